import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { l2Normalize } from '../../src/embedding/pooling.ts';
import { PaperMatcher } from '../../src/vector/paper-matcher.ts';

const random = seedrandom('paper-matcher');
const unitVector = () => l2Normalize(Float32Array.from({ length: 384 }, () => random() - 0.5));

describe('the closest query paper of many papers at once', () => {
  it('finds, for every paper, the query paper with the largest cosine, as comparing every pair does', async () => {
    const queries = Array.from({ length: 7 }, (_, i) => ({ id: `mine-${i}`, vector: unitVector() }));
    const papers = Array.from({ length: 500 }, (_, i) => ({ id: `theirs-${i}`, vector: unitVector() }));
    const matches = await new PaperMatcher().closest(queries, papers);
    expect(matches.size).toBe(papers.length);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, d) => s + v * b[d]!, 0);
    for (const paper of papers) {
      const cosines = queries.map((q) => dot(q.vector, paper.vector));
      const best = cosines.indexOf(Math.max(...cosines));
      expect(matches.get(paper.id)).toEqual({
        mine: queries[best]!.id,
        similarity: expect.closeTo(cosines[best]!, 5),
      });
    }
  });

  it('when a paper is one of the query papers, then that one is its match, at cosine 1', async () => {
    const queries = [unitVector(), unitVector()].map((vector, i) => ({ id: `q${i}`, vector }));
    const matches = await new PaperMatcher().closest(queries, [{ id: 'same', vector: queries[1]!.vector }]);
    expect(matches.get('same')).toEqual({ mine: 'q1', similarity: expect.closeTo(1, 5) });
  });

  it('answers nothing when either side is empty', async () => {
    const matcher = new PaperMatcher();
    expect((await matcher.closest([], [{ id: 'p', vector: unitVector() }])).size).toBe(0);
    expect((await matcher.closest([{ id: 'q', vector: unitVector() }], [])).size).toBe(0);
  });
});
