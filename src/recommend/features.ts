import { venueParts } from '../domain/paper-filters.ts';
import {
  adamicAdar,
  commonNeighbours,
  jointPaperAdamicAdar,
  recentAdamicAdar,
  resourceAllocation,
} from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import {
  bestInterestMatch,
  cosineOfUnitVectors,
  type Interests,
  RECENCY_HALF_LIFE_YEARS,
} from '../vector/interests.ts';
import type { Candidate, RankingData, RankingQuery } from './candidates.ts';

/** Topic features exist for everyone, graph features only for a query researcher in the graph. */
export const TOPIC_FEATURES = [
  'topicSimilarity',
  'meanTopicSimilarity',
  'closestPaperSimilarity',
  'yearsSinceActive',
  'productivity',
  'sharedVenues',
  'sameInstitution',
] as const;
export const GRAPH_FEATURES = [
  'commonNeighbours',
  'adamicAdar',
  'resourceAllocation',
  'recentAdamicAdar',
  'jointPaperAdamicAdar',
  'randomWalk',
  'inverseHops',
  'topicTimesAdamicAdar',
] as const;
export const ALL_FEATURES = [...TOPIC_FEATURES, ...GRAPH_FEATURES] as const;

export type FeatureName = (typeof ALL_FEATURES)[number];
export type Features = Record<FeatureName, number>;

export type PaperPair = { mine: string; theirs: string; similarity: number };

export type ScoredFeatures = { features: Features; closestPair: PaperPair | null; bestInterest: number };

/** Papers per side compared for the closest pair: the newest ones. */
const PAPERS_COMPARED = 12;
const MAX_YEARS_INACTIVE = 10;

function venueProfile(graph: ResearchGraph, paperIds: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of paperIds) {
    for (const venue of venueParts(graph.paper(id)?.venue ?? ''))
      counts.set(venue, (counts.get(venue) ?? 0) + 1);
  }
  return counts;
}

function profileCosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of a) {
    na += v * v;
    dot += v * (b.get(k) ?? 0);
  }
  for (const v of b.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The most similar pair of (query paper, candidate paper), among the newest papers of each. */
export function closestPaperPair(
  data: RankingData,
  mine: string[],
  theirs: string[],
  queryInterests: Interests,
): PaperPair | null {
  const theirNewest = data.graph.newestFirst(theirs).slice(0, PAPERS_COMPARED);
  const myVectors: { id: string; vector: Float32Array }[] = mine.length
    ? data.graph
        .newestFirst(mine)
        .slice(0, PAPERS_COMPARED)
        .flatMap((id) => {
          const vector = data.paperVector(id);
          return vector ? [{ id, vector }] : [];
        })
    : queryInterests.centroids.map((c, i) => ({ id: `interest-${i}`, vector: c.vector }));
  let best: PaperPair | null = null;
  for (const theirId of theirNewest) {
    const theirVector = data.paperVector(theirId);
    if (!theirVector) continue;
    for (const { id, vector } of myVectors) {
      const similarity = cosineOfUnitVectors(vector, theirVector);
      if (!best || similarity > best.similarity) best = { mine: id, theirs: theirId, similarity };
    }
  }
  return best;
}

export type FeatureContext = {
  referenceYear: number;
  affiliations: (researcher: string) => string[];
  queryAffiliations: string[];
};

/** Every feature of one (query, candidate) pair; graph features are 0 when the query has no graph. */
export function candidateFeatures(
  query: RankingQuery,
  candidate: Candidate,
  data: RankingData,
  context: FeatureContext,
): ScoredFeatures | null {
  const interests = data.interestsOf(candidate.id);
  if (!interests) return null;
  const { graph } = data;
  const theirPapers = graph.papersOf(candidate.id);
  const best = bestInterestMatch(query.interests, interests);
  const closestPair = closestPaperPair(data, query.paperIds, theirPapers, query.interests);
  const queryInstitutions = new Set(context.queryAffiliations.map((a) => a.toLowerCase()));
  const sameInstitution = context
    .affiliations(candidate.id)
    .some((a) => queryInstitutions.has(a.toLowerCase()));
  const q = query.researcher;
  const aa = q ? adamicAdar(graph, q, candidate.id) : 0;
  const features: Features = {
    topicSimilarity: best.similarity,
    meanTopicSimilarity: cosineOfUnitVectors(query.interests.mean, interests.mean),
    closestPaperSimilarity: closestPair?.similarity ?? 0,
    yearsSinceActive: Math.min(
      MAX_YEARS_INACTIVE,
      Math.max(0, context.referenceYear - graph.latestYear(candidate.id)),
    ),
    productivity: Math.log1p(theirPapers.length),
    sharedVenues: profileCosine(venueProfile(graph, query.paperIds), venueProfile(graph, theirPapers)),
    sameInstitution: sameInstitution ? 1 : 0,
    commonNeighbours: q ? Math.log1p(commonNeighbours(graph, q, candidate.id)) : 0,
    adamicAdar: Math.log1p(aa),
    resourceAllocation: q ? Math.log1p(resourceAllocation(graph, q, candidate.id)) : 0,
    recentAdamicAdar: q
      ? Math.log1p(recentAdamicAdar(graph, q, candidate.id, context.referenceYear, RECENCY_HALF_LIFE_YEARS))
      : 0,
    jointPaperAdamicAdar: q ? Math.log1p(jointPaperAdamicAdar(graph, q, candidate.id)) : 0,
    // Shared co-authors count for more between people who also work on the same topics.
    topicTimesAdamicAdar: best.similarity * Math.log1p(aa),
    // PPR mass is tiny and heavy-tailed; its logarithm is what separates candidates.
    randomWalk: q ? Math.log10(1e-8 + (candidate.ppr ?? 0)) + 8 : 0,
    inverseHops: candidate.hops ? 1 / candidate.hops : 0,
  };
  return { features, closestPair, bestInterest: best.a };
}
