import { cosineOfUnitVectors, type InterestCentroid } from '../vector/interests.ts';
import { maximalMarginalRelevance } from './ranker.ts';

/** A researcher's ranked profile topics and the papers (newest first) they were drawn from. */
export type StoredTopics = { phrases: string[]; paperIds: string[]; rankedAt: string };

/** How far the topic list trades closeness to the researcher for variety (MMR). */
const TOPIC_DIVERSITY = 0.3;

/**
 * Orders candidate phrases by how well they represent a researcher: the cosine of the phrase's
 * embedding to the nearest of the researcher's interest centroids, with maximal marginal relevance
 * over the phrases' own embeddings so five topics are not five wordings of one.
 */
export function rankTopicPhrases(
  phrases: string[],
  vectors: Float32Array[],
  centroids: InterestCentroid[],
  limit: number,
): string[] {
  const items = phrases.map((phrase, i) => ({
    phrase,
    vector: vectors[i]!,
    relevance: Math.max(...centroids.map((c) => cosineOfUnitVectors(vectors[i]!, c.vector))),
  }));
  return maximalMarginalRelevance(
    items,
    (item) => item.relevance,
    (a, b) => cosineOfUnitVectors(a.vector, b.vector),
    limit,
    TOPIC_DIVERSITY,
  ).map((item) => item.phrase);
}
