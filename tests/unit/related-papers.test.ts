import { describe, expect, it } from 'vitest';
import {
  blendTermOverlap,
  blendVenueAffinity,
  relatedPaperScore,
  relatedPaperScores,
  TERM_WEIGHT,
  termProfile,
  termSimilarity,
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

describe('the key phrases a researcher shares with a paper', () => {
  // 1,000 stored papers; "transformer" is in half of them, the researcher's corpus in two.
  const df = new Map([
    ['transformer', 500],
    ['PASTEL corpus', 2],
    ['speech translation', 40],
  ]);
  const profile = termProfile(
    [
      { terms: ['PASTEL corpus', 'speech translation', 'transformer'], year: 2021 },
      { terms: ['PASTEL corpus', 'transformer'], year: 2020 },
      { terms: ['transformer'], year: 2012 },
    ],
    (term) => df.get(term) ?? 0,
    1000,
  );

  it('weighs their recurring, distinctive phrases most and the phrases every paper has least', () => {
    expect(profile.weights.get('PASTEL corpus')!).toBeGreaterThan(profile.weights.get('speech translation')!);
    expect(profile.weights.get('speech translation')!).toBeGreaterThan(profile.weights.get('transformer')!);
  });

  it('gives a paper naming their corpus more than one sharing only a common phrase, and at most 1', () => {
    const namesCorpus = termSimilarity(profile, ['PASTEL corpus', 'lecture videos']);
    const common = termSimilarity(profile, ['transformer', 'lecture videos']);
    expect(namesCorpus).toBeGreaterThan(common);
    expect(common).toBeGreaterThan(0);
    expect(termSimilarity(profile, ['image segmentation'])).toBe(0);
    expect(termSimilarity(profile, [...profile.weights.keys()])).toBeLessThanOrEqual(1 + 1e-9);
    expect(
      termSimilarity(
        termProfile([], () => 0, 1000),
        ['transformer'],
      ),
    ).toBe(0);
  });

  it('when two papers are as near in text, then the one naming their methods and data comes first, by at most TERM_WEIGHT', () => {
    const scores = new Map([
      ['generic', 0.7],
      ['theirs', 0.69],
    ]);
    const terms: Record<string, string[]> = { generic: ['transformer'], theirs: ['PASTEL corpus'] };
    const blended = blendTermOverlap(scores, (id) => terms[id], profile);
    expect(blended.get('theirs')!).toBeGreaterThan(blended.get('generic')!);
    for (const [id, score] of scores) {
      expect(blended.get(id)!).toBeGreaterThanOrEqual(score);
      expect(blended.get(id)!).toBeLessThanOrEqual(score + TERM_WEIGHT + 1e-9);
    }
    expect(blendTermOverlap(scores, () => undefined, profile)).toEqual(scores);
  });
});
