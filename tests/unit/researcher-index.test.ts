import { describe, expect, it } from 'vitest';
import type { PaperMeta } from '../../src/domain/paper-filters.ts';
import { cosineOfUnitVectors } from '../../src/vector/interests.ts';
import { ResearcherIndex } from '../../src/vector/researcher-index.ts';
import { VectorIndex } from '../../src/vector/vector-index.ts';

const settings = { m: 8, efConstruction: 50, efSearch: 20 };
const DIMENSION = 8;

function unit(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/**
 * 40 researchers with nine papers each, in three tight clusters (three interest centroids) all near
 * the first axis; researcher r leans r steps towards the second axis, so nearer researchers come first
 * and each brings three centroids of almost the same similarity.
 */
async function threeCentroidsEach(): Promise<ResearcherIndex> {
  const papers = new VectorIndex<PaperMeta>(DIMENSION, settings);
  for (let r = 0; r < 40; r++) {
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 3; p++) {
        const values = Array.from({ length: DIMENSION }, () => 0);
        values[0] = 1;
        values[1] = 0.02 * r;
        values[2 + c] = 0.05;
        papers.upsert(`r${r}-c${c}-p${p}`, unit(values), { year: 2024, venue: 'acl', authorIds: [`r${r}`] });
      }
    }
  }
  const index = new ResearcherIndex(settings, DIMENSION, '/nonexistent', async () => []);
  await index.reset(papers);
  return index;
}

describe('topic neighbours over interest centroids', () => {
  it('when every researcher has three centroids among the nearest, then still `limit` distinct researchers come back, the best ones', async () => {
    const index = await threeCentroidsEach();
    expect(index.interestsOf('r0')!.centroids).toHaveLength(3);
    const query = unit([1, 0, 0, 0, 0, 0, 0, 0]);
    const excluded = new Set(['r1', 'r5']);
    const found = index.topicNeighbours([query], 20, (id) => excluded.has(id));

    const expected = [...index.graph.researchers()]
      .filter((id) => !excluded.has(id))
      .map((id) => ({
        researcher: id,
        similarity: Math.max(
          ...index.interestsOf(id)!.centroids.map((c) => cosineOfUnitVectors(query, c.vector)),
        ),
      }))
      .sort((a, b) => b.similarity - a.similarity || a.researcher.localeCompare(b.researcher))
      .slice(0, 20);
    expect(found.map((n) => n.researcher)).toEqual(expected.map((n) => n.researcher));
    for (const [i, n] of found.entries()) expect(n.similarity).toBeCloseTo(expected[i]!.similarity, 5);
  });
});
