import type { Interests } from '../vector/interests.ts';

/** Newest papers whose vectors, besides the interest centroids, query related papers. */
const RECENT_PAPER_QUERIES = 5;
/**
 * Scores papers for a researcher: each candidate's best cosine to any of the query vectors (interest
 * centroids and newest papers), so every interest of a broad researcher finds its own papers.
 */
export function relatedPaperScores(
  queryVectors: Float32Array[],
  search: (vector: Float32Array) => { id: string; score: number }[],
): Map<string, number> {
  const best = new Map<string, number>();
  for (const vector of queryVectors) {
    for (const hit of search(vector))
      best.set(hit.id, Math.max(best.get(hit.id) ?? Number.NEGATIVE_INFINITY, hit.score));
  }
  return best;
}

export function relatedQueryVectors(
  interests: Interests,
  newestPaperVectors: Float32Array[],
): Float32Array[] {
  return [...interests.centroids.map((c) => c.vector), ...newestPaperVectors.slice(0, RECENT_PAPER_QUERIES)];
}
