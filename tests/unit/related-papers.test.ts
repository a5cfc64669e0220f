import { describe, expect, it } from 'vitest';
import {
  blendVenueAffinity,
  relatedPaperScore,
  relatedPaperScores,
  VENUE_BONUS,
  venueShares,
} from '../../src/recommend/related-papers.ts';

const unit = (...xs: number[]) => {
  const norm = Math.hypot(...xs);
  return Float32Array.from(xs.map((x) => x / norm));
};
const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('related papers for a researcher', () => {
  // Three of the researcher's papers: two on one subject, one on another.
  const queries = [unit(1, 0, 0), unit(0.9, 0.1, 0), unit(0, 0, 1)].map((vector) => ({ vector, weight: 1 }));
  const papers = {
    nearBoth: unit(0.95, 0.05, 0.1), // close to the two papers on the first subject
    nearOne: unit(0.1, 0, 0.99), // a bit closer to the single paper on the second subject
  };
  const search = (vector: Float32Array) =>
    Object.entries(papers).map(([id, v]) => ({ id, score: dot(vector, v) }));

  it('ranks a paper near much of their work above one as near a single paper', () => {
    const best = (id: keyof typeof papers) => Math.max(...queries.map((q) => dot(q.vector, papers[id])));
    expect(best('nearOne')).toBeGreaterThan(best('nearBoth'));
    const scores = relatedPaperScores(queries, search);
    expect(scores.get('nearBoth')!).toBeGreaterThan(scores.get('nearOne')!);
  });

  it('scores in cosine units, never above the closest cosine, and the same from exact cosines', () => {
    const scores = relatedPaperScores(queries, search);
    for (const [id, v] of Object.entries(papers)) {
      const closest = Math.max(...queries.map((q) => dot(q.vector, v)));
      expect(scores.get(id)!).toBeLessThanOrEqual(closest + 1e-9);
      expect(relatedPaperScore(queries, (q) => dot(q, v))).toBeCloseTo(scores.get(id)!, 9);
    }
  });
});

describe('the venues a researcher publishes in', () => {
  it('shares their work between venues by recency, a joint venue counting for each of its parts', () => {
    const shares = venueShares([
      { venue: 'wmt', year: 2022 },
      { venue: 'acl+ijcnlp', year: 2022 },
      { venue: 'lrec', year: 2018 }, // four years older: half the weight
    ]);
    expect(Object.fromEntries(shares)).toEqual({ wmt: 0.4, acl: 0.4, ijcnlp: 0.4, lrec: 0.2 });
  });

  it('when two papers are as near in text, then the one at their usual venue comes first, by at most VENUE_BONUS', () => {
    const shares = venueShares([
      { venue: 'wmt', year: 2022 },
      { venue: 'wmt', year: 2021 },
      { venue: 'acl', year: 2020 },
    ]);
    const venues: Record<string, string> = { atTheirVenue: 'wmt+findings', elsewhere: 'chi' };
    const blended = blendVenueAffinity(
      new Map([
        ['elsewhere', 0.801],
        ['atTheirVenue', 0.8],
      ]),
      (id) => venues[id],
      shares,
    );
    expect(blended.get('elsewhere')).toBe(0.801);
    expect(blended.get('atTheirVenue')).toBeGreaterThan(0.801);
    expect(blended.get('atTheirVenue')! - 0.8).toBeLessThanOrEqual(VENUE_BONUS);
  });
});
