import { coauthorGroupSimilarity } from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import type { PaperMatch, VectorOf } from '../vector/paper-matcher.ts';
import { type Candidate, generateCandidates, type RankingData, type RankingQuery } from './candidates.ts';
import type { CitationCounts } from './citation-links.ts';
import {
  type Features,
  featuresForQuery,
  type PaperPair,
  pairFeaturesForQuery,
  papersToCompare,
  type ScoredFeatures,
} from './features.ts';
import {
  candidateScores,
  type FeatureSet,
  percentiles,
  pickGreedily,
  type RankerModel,
  type StagedModels,
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
 * The diversity a list gets unless the caller asks otherwise: someone who wrote with a person already
 * listed gives way to a person of another co-author group who scores within 20 % of them. Chosen with
 * the evaluation harness's diversity table (docs/EVALUATION.md): on the ACL split, lists span more
 * co-author groups than the plain ranking and lose no recall.
 */
export const DEFAULT_DIVERSITY = 0.2;
/**
 * Bump when the way lists are made from the scores changes (the diversification, the defaults): lists
 * cached by another version are made again rather than served (see modelVersionOf). v2: redundancy
 * discounts a score instead of subtracting from it; default diversity 0.2.
 */
export const LIST_VERSION = 'lists-v2';
/** Diversification re-orders the best of the ranking only: it never reaches far down the list. */
const DIVERSIFY_POOL = 100;
/**
 * Candidates the full model scores (at least `limit`): the best by the shortlist model. On the ACL
 * split, the full model's top 10 lay inside the shortlist model's best 100 for every one of 3,000 query
 * authors (docs/EVALUATION.md, "Eighth session"); the diversity pool is as large.
 */
export const SHORTLIST_SIZE = DIVERSIFY_POOL;

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

/** What ranking reads besides the graph and vectors, fetched for the candidates that need it. */
export type RankingSources = {
  /** The query's feature set's two models; null without trained models (the classic order). */
  models: StagedModels | null;
  profilesOf: (ids: string[]) => Promise<ReadonlyMap<string, CandidateProfile>>;
  closestPapers: (mine: VectorOf[], theirs: VectorOf[]) => Promise<ReadonlyMap<string, PaperMatch>>;
  queryAffiliations: string[];
  referenceYear: number;
};

type Row = { candidate: Candidate; scored: ScoredFeatures };

/** Whether the query ranks with graph features (a researcher in the graph) or topic features alone. */
export function featureSetOf(query: RankingQuery, data: RankingData): FeatureSet {
  return query.researcher && data.graph.hasResearcher(query.researcher) ? 'graph' : 'topic';
}

/**
 * Ranks the candidates of one query in two stages. Every candidate that passes the filters gets the
 * features that need only the graph and vectors, and the shortlist model's score; the best
 * SHORTLIST_SIZE then get the PAIR_FEATURES (a comparison of papers, affiliations read from Redis)
 * and the full model's score. Then the novelty blend, and diversity over co-author groups (see
 * `diversify`). Novelty re-orders the whole candidate set, so with novelty every candidate is scored
 * in full.
 */
export async function rankCollaborators(
  query: RankingQuery,
  data: RankingData,
  options: CollaboratorOptions,
  sources: RankingSources,
): Promise<RankedCollaborator[]> {
  const candidates = collectCandidates(query, data, options);
  const filterProfiles =
    options.openToCollaborateOnly || options.excludeInstitutions.length > 0
      ? await sources.profilesOf([...candidates.keys()])
      : null;
  const excludedInstitutions = new Set(options.excludeInstitutions.map((i) => i.toLowerCase()));
  const candidateFeatures = featuresForQuery(query, data, sources.referenceYear);
  const rows: Row[] = [];
  for (const candidate of candidates.values()) {
    const profile = filterProfiles?.get(candidate.id);
    if (options.openToCollaborateOnly && !profile?.openToCollaborate) continue;
    if (profile?.affiliations.some((a) => excludedInstitutions.has(a.toLowerCase()))) continue;
    if (options.activeSince !== undefined && data.graph.latestYear(candidate.id) < options.activeSince)
      continue;
    const scored = candidateFeatures(candidate);
    if (scored) rows.push({ candidate, scored });
  }
  const featureSet = featureSetOf(query, data);
  const shortlist = shortlisted(rows, sources.models?.shortlist ?? null, featureSet, options);
  const ids = shortlist.map((row) => row.candidate.id);
  const { mine, theirs } = papersToCompare(query, ids, data);
  const [profiles, paperMatches] = await Promise.all([
    filterProfiles ?? sources.profilesOf(ids),
    sources.closestPapers(mine, theirs),
  ]);
  const withPairFeatures = pairFeaturesForQuery(data, {
    paperMatches,
    affiliations: (id) => profiles.get(id)?.affiliations ?? [],
    queryAffiliations: sources.queryAffiliations,
  });
  const full = shortlist.map((row) => ({
    candidate: row.candidate,
    scored: withPairFeatures(row.candidate.id, row.scored),
  }));
  const ranked = rankRows(full, sources.models?.full ?? null, featureSet, options);
  return diversify(ranked, data.graph, options.limit, options.diversity);
}

/** The rows the full model scores: the best SHORTLIST_SIZE (or `limit`) by the shortlist model. */
function shortlisted(
  rows: Row[],
  model: RankerModel | null,
  featureSet: FeatureSet,
  options: CollaboratorOptions,
): Row[] {
  const size = Math.max(SHORTLIST_SIZE, options.limit);
  if (options.novelty > 0 || rows.length <= size) return rows;
  // Only the order matters here: the scores without each feature's part.
  const scores = candidateScores(modelInputs(rows), model, featureSet);
  return rows
    .map((row, i) => ({ row, score: scores[i]! }))
    .sort((a, b) => b.score - a.score || a.row.candidate.id.localeCompare(b.row.candidate.id))
    .slice(0, size)
    .map(({ row }) => row);
}

/** The rows as the ranker scores them: both stages, by the model (or the classic order without one). */
function modelInputs(rows: Row[]) {
  return rows.map((row) => ({ id: row.candidate.id, features: row.scored.features }));
}

/** The learned score (or the classic order without a model) and the novelty blend, best first. */
function rankRows(
  rows: Row[],
  model: RankerModel | null,
  featureSet: FeatureSet,
  options: CollaboratorOptions,
): RankedCollaborator[] {
  const scores = scoreCandidates(modelInputs(rows), model, featureSet);
  let relevance = scores.map((s) => s.score);
  if (options.novelty > 0) {
    const learned = percentiles(relevance);
    const topic = percentiles(rows.map((r) => r.scored.features.topicSimilarity));
    const closeness = percentiles(
      rows.map((r) => r.scored.features.randomWalk + r.scored.features.inverseHops),
    );
    // Far in the graph but close in topic scores high. The blend (1 − n)·learned + n·(topic − closeness)
    // lies in [−n, 1]; shifting by n and dividing by 1 + n puts it in [0, 1] without changing the order.
    const n = options.novelty;
    relevance = learned.map((l, i) => ((1 - n) * l + n * (topic[i]! - closeness[i]!) + n) / (1 + n));
  }
  const ranked = rows.map(({ candidate, scored }, i) => ({
    id: candidate.id,
    features: scored.features,
    closestPair: scored.closestPair,
    citations: scored.citations,
    sources: [...candidate.sources],
    score: relevance[i]!,
    parts: scores[i]!.parts,
  }));
  return ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Spreads the list over co-author groups: from the best DIVERSIFY_POOL, picks one at a time the
 * candidate with the best score × (1 − d·closeness to someone already picked), where two people are
 * close when they wrote together or share co-authors (1 for co-authors). A candidate gives way only to
 * someone of another group who scores at least (1 − d) × their own score, at the top of the list and far
 * down it alike, so small settings break near-ties rather than reshuffle the list.
 */
export function diversify<T extends { id: string; score: number }>(
  ranked: T[],
  graph: ResearchGraph,
  limit: number,
  diversity: number,
): T[] {
  if (diversity <= 0) return ranked.slice(0, limit);
  // Redundancy discounts a candidate's own score (scores are ≥ 0) rather than subtracting a share of the
  // top score as maximal marginal relevance does: subtracting let a small setting put someone half as
  // likely ahead once scores are low, far down the list.
  return pickGreedily(
    ranked.slice(0, Math.max(DIVERSIFY_POOL, limit)),
    (r, redundancy) => r.score * (1 - diversity * redundancy),
    (a, b) => coauthorGroupSimilarity(graph, a.id, b.id),
    limit,
  );
}
