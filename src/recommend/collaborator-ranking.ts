import { coauthorGroupSimilarity } from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import { type Candidate, generateCandidates, type RankingData, type RankingQuery } from './candidates.ts';
import type { CitationCounts } from './citation-links.ts';
import { type FeatureContext, type Features, featuresForQuery, type PaperPair } from './features.ts';
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
  /** 0 keeps the ranking order; higher spreads suggestions across co-author groups (see `diversify`). */
  diversity: number;
  excludeIds: string[];
  excludeInstitutions: string[];
  openToCollaborateOnly: boolean;
  activeSince?: number;
};

/**
 * The diversity a list gets unless the caller asks otherwise: chosen with the evaluation harness's
 * diversity table (docs/EVALUATION.md): on the ACL split, lists span more co-author groups than the
 * plain ranking (1.82 against 1.66 in the top 10) for ≈ 1 % of its Recall@10; 0.1 spreads a little
 * more (1.95) for ≈ 2 %.
 */
export const DEFAULT_DIVERSITY = 0.05;
/** Diversification re-orders the best of the ranking only: it never reaches far down the list. */
const DIVERSIFY_POOL = 100;

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
  citations: CitationCounts;
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
  const rows: Omit<RankedCollaborator, 'score' | 'parts'>[] = [];
  const candidateFeatures = featuresForQuery(query, data, context);
  for (const candidate of candidates.values()) {
    const profile = profiles(candidate.id);
    if (options.openToCollaborateOnly && !profile?.openToCollaborate) continue;
    if (profile?.affiliations.some((a) => excludedInstitutions.has(a.toLowerCase()))) continue;
    if (options.activeSince !== undefined && data.graph.latestYear(candidate.id) < options.activeSince)
      continue;
    const scored = candidateFeatures(candidate);
    if (!scored) continue;
    rows.push({
      id: candidate.id,
      features: scored.features,
      closestPair: scored.closestPair,
      citations: scored.citations,
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
  return diversify(ranked, data.graph, options.limit, options.diversity);
}

/**
 * Maximal marginal relevance by co-author group: from the best DIVERSIFY_POOL, picks one at a time the
 * candidate with the best (1 − d)·score/top score − d·(closeness to someone already picked), where two
 * people are close when they wrote together or share co-authors. A candidate only gives way to one
 * whose score is nearly as high, so small settings break near-ties in favour of another group rather
 * than reshuffling the list by topic.
 */
export function diversify<T extends { id: string; score: number }>(
  ranked: T[],
  graph: ResearchGraph,
  limit: number,
  diversity: number,
): T[] {
  if (diversity <= 0) return ranked.slice(0, limit);
  const pool = ranked.slice(0, Math.max(DIVERSIFY_POOL, limit));
  const top = pool[0]?.score || 1;
  return maximalMarginalRelevance(
    pool,
    (r) => r.score / top,
    (a, b) => coauthorGroupSimilarity(graph, a.id, b.id),
    limit,
    diversity,
  );
}
