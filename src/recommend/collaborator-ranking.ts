import { cosineOfUnitVectors } from '../vector/interests.ts';
import { type Candidate, generateCandidates, type RankingData, type RankingQuery } from './candidates.ts';
import { candidateFeatures, type FeatureContext, type Features, type PaperPair } from './features.ts';
import {
  type FeatureSet,
  maximalMarginalRelevance,
  percentiles,
  type RankerModel,
  scoreCandidates,
} from './ranker.ts';

export type CollaboratorOptions = {
  limit: number;
  excludeCoauthors: boolean;
  /** 0 favours people near in the graph, 1 people far in the graph but close in topic. */
  novelty: number;
  /** 0 keeps the ranking order, 1 spreads suggestions across topics and groups as far as possible. */
  diversity: number;
  excludeIds: string[];
  excludeInstitutions: string[];
  openToCollaborateOnly: boolean;
  activeSince?: number;
};

/** The options of a plain ranking: new people only, relevance order, no filters. */
export function collaboratorOptions(overrides: Partial<CollaboratorOptions> = {}): CollaboratorOptions {
  return {
    limit: 10,
    excludeCoauthors: true,
    novelty: 0,
    diversity: 0,
    excludeIds: [],
    excludeInstitutions: [],
    openToCollaborateOnly: false,
    ...overrides,
  };
}

export type CandidateProfile = { openToCollaborate: boolean; claimed: boolean; affiliations: string[] };

export type RankedCollaborator = {
  id: string;
  score: number;
  parts: Partial<Record<string, number>>;
  features: Features;
  closestPair: PaperPair | null;
  sources: string[];
};

/** Everyone who must not be suggested: the query, co-authors when asked, explicit exclusions. */
export function exclusionFilter(query: RankingQuery, data: RankingData, options: CollaboratorOptions) {
  const excluded = new Set(options.excludeIds);
  if (query.researcher) {
    excluded.add(query.researcher);
    if (options.excludeCoauthors)
      for (const id of data.graph.neighbours(query.researcher).keys()) excluded.add(id);
  }
  return (researcher: string) => excluded.has(researcher);
}

export function collectCandidates(
  query: RankingQuery,
  data: RankingData,
  options: CollaboratorOptions,
): Map<string, Candidate> {
  return generateCandidates(query, data, exclusionFilter(query, data, options));
}

/**
 * Ranks candidates: features, the learned score (or rank fusion without a model), the novelty blend,
 * the filters that need profiles, and MMR diversity over the candidates' topic vectors.
 */
export function rankCandidates(
  query: RankingQuery,
  candidates: Map<string, Candidate>,
  data: RankingData,
  profiles: (id: string) => CandidateProfile | undefined,
  context: FeatureContext,
  options: CollaboratorOptions,
  model: RankerModel | null,
): RankedCollaborator[] {
  const excludedInstitutions = new Set(options.excludeInstitutions.map((i) => i.toLowerCase()));
  const featureSet: FeatureSet =
    query.researcher && data.graph.hasResearcher(query.researcher) ? 'graph' : 'topic';
  const rows: { id: string; features: Features; closestPair: PaperPair | null; sources: string[] }[] = [];
  for (const candidate of candidates.values()) {
    const profile = profiles(candidate.id);
    if (options.openToCollaborateOnly && !profile?.openToCollaborate) continue;
    if (profile?.affiliations.some((a) => excludedInstitutions.has(a.toLowerCase()))) continue;
    if (options.activeSince !== undefined && data.graph.latestYear(candidate.id) < options.activeSince)
      continue;
    const scored = candidateFeatures(query, candidate, data, context);
    if (!scored) continue;
    rows.push({
      id: candidate.id,
      features: scored.features,
      closestPair: scored.closestPair,
      sources: [...candidate.sources],
    });
  }
  const scores = scoreCandidates(rows, model, featureSet);
  let relevance = scores.map((s) => s.score);
  if (options.novelty > 0) {
    const learned = percentiles(relevance);
    const topic = percentiles(rows.map((r) => r.features.topicSimilarity));
    const closeness = percentiles(rows.map((r) => r.features.randomWalk + r.features.inverseHops));
    // Far in the graph but close in topic scores high. The blend (1 − n)·learned + n·(topic − closeness)
    // lies in [−n, 1]; shifting by n and dividing by 1 + n puts it in [0, 1] without changing the order.
    const n = options.novelty;
    relevance = learned.map((l, i) => ((1 - n) * l + n * (topic[i]! - closeness[i]!) + n) / (1 + n));
  }
  const ranked = rows.map((row, i) => ({
    ...row,
    score: relevance[i]!,
    parts: scores[i]!.parts,
  }));
  ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  if (options.diversity <= 0) return ranked.slice(0, options.limit);

  const scaled = percentiles(ranked.map((r) => r.score));
  const relevanceOf = new Map(ranked.map((r, i) => [r.id, scaled[i]!]));
  const vectors = new Map(ranked.map((r) => [r.id, data.interestsOf(r.id)!.mean]));
  return maximalMarginalRelevance(
    ranked,
    (r) => relevanceOf.get(r.id)!,
    (a, b) => cosineOfUnitVectors(vectors.get(a.id)!, vectors.get(b.id)!),
    options.limit,
    options.diversity,
  );
}
