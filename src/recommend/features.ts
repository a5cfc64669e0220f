import { type SharedNeighbourScores, sharedNeighbourScores } from '../graph/proximity.ts';
import { type ResearchGraph, squaredNorm } from '../graph/research-graph.ts';
import {
  bestInterestMatch,
  cosineOfUnitVectors,
  type Interests,
  RECENCY_HALF_LIFE_YEARS,
} from '../vector/interests.ts';
import type { PaperMatch, VectorOf } from '../vector/paper-matcher.ts';
import type { Candidate, RankingData, RankingQuery } from './candidates.ts';
import { type CitationCounts, citationCountsOf, citationLinksByPerson } from './citation-links.ts';

/** Topic features exist for everyone, graph features only for a query researcher in the graph. */
export const TOPIC_FEATURES = [
  'topicSimilarity',
  'meanTopicSimilarity',
  'closestPaperSimilarity',
  'yearsSinceActive',
  'productivity',
  'recentProductivity',
  'coauthors',
  'recentCoauthors',
  'sharedVenues',
  'sameInstitution',
] as const;
export const GRAPH_FEATURES = [
  'commonNeighbours',
  'adamicAdar',
  'resourceAllocation',
  'recentAdamicAdar',
  'tieStrengthAdamicAdar',
  'randomWalk',
  'inverseHops',
  'topicTimesAdamicAdar',
  'citesQuery',
  'citedByQuery',
  'sharedReferences',
] as const;
export const ALL_FEATURES = [...TOPIC_FEATURES, ...GRAPH_FEATURES] as const;
/**
 * The features that cost most per candidate: a comparison of papers and a lookup of affiliations.
 * The shortlist's model goes without them (see `rankCollaborators`); they are worked out for the
 * shortlisted candidates only.
 */
export const PAIR_FEATURES = ['closestPaperSimilarity', 'sameInstitution'] as const;

export type FeatureName = (typeof ALL_FEATURES)[number];
export type Features = Record<FeatureName, number>;

export type PaperPair = { mine: string; theirs: string; similarity: number };

export type ScoredFeatures = {
  features: Features;
  closestPair: PaperPair | null;
  bestInterest: number;
  citations: CitationCounts;
};

/** A query without a graph shares no co-authors with anyone. */
const NO_SHARED_NEIGHBOURS: SharedNeighbourScores = {
  commonNeighbours: 0,
  adamicAdar: 0,
  resourceAllocation: 0,
  tieStrengthAdamicAdar: 0,
  recentAdamicAdar: 0,
};

/** Papers per side compared for the closest pair: the newest ones. */
const PAPERS_COMPARED = 12;
const MAX_YEARS_INACTIVE = 10;
/** Years, up to the reference year, whose papers count as a researcher's recent work. */
const RECENT_YEARS = 2;

/**
 * The cosine of the query's venue counts with a candidate's: the query's norm once, then for each
 * candidate a walk over the smaller of the two (a prolific query has hundreds of venues).
 */
function venueCosine(graph: ResearchGraph, mine: ReadonlyMap<string, number>) {
  const mySquares = squaredNorm(mine);
  return (researcher: string): number => {
    const theirs = graph.venuesOf(researcher);
    const theirSquares = graph.venueSquaresOf(researcher);
    if (mySquares === 0 || theirSquares === 0) return 0;
    const [small, large] = mine.size <= theirs.size ? [mine, theirs] : [theirs, mine];
    let dot = 0;
    for (const [venue, count] of small) dot += count * (large.get(venue) ?? 0);
    return dot / Math.sqrt(mySquares * theirSquares);
  };
}

/** The query's side of the closest pair: its newest papers' vectors, or its interest centroids without papers. */
function queryPaperVectors(
  data: RankingData,
  mine: readonly string[],
  queryInterests: Interests,
): VectorOf[] {
  if (mine.length === 0)
    return queryInterests.centroids.map((c, i) => ({ id: `interest-${i}`, vector: c.vector }));
  return data.graph
    .newestFirst(mine)
    .slice(0, PAPERS_COMPARED)
    .flatMap((id) => {
      const vector = data.paperVector(id);
      return vector ? [{ id, vector }] : [];
    });
}

/** The papers of one candidate that the closest pair looks at: their newest. */
function comparedPapersOf(graph: ResearchGraph, researcher: string): string[] {
  return graph.papersNewestFirst(researcher).slice(0, PAPERS_COMPARED);
}

/**
 * What the closest-pair feature compares for one query: the query's newest papers (or interests) and
 * the newest papers of every candidate, each paper once. A PaperMatcher finds each candidate paper's
 * closest query paper for all of them in one go; pairFeaturesForQuery reads the answer (its context's
 * `paperMatches`).
 */
export function papersToCompare(
  query: RankingQuery,
  candidates: Iterable<string>,
  data: RankingData,
): { mine: VectorOf[]; theirs: VectorOf[] } {
  const theirs = new Map<string, Float32Array>();
  for (const candidate of candidates) {
    for (const id of comparedPapersOf(data.graph, candidate)) {
      const vector = theirs.has(id) ? undefined : data.paperVector(id);
      if (vector) theirs.set(id, vector);
    }
  }
  return {
    mine: queryPaperVectors(data, query.paperIds, query.interests),
    theirs: [...theirs].map(([id, vector]) => ({ id, vector })),
  };
}

/** The most similar pair of (query paper, candidate paper), among the newest papers of each. */
function closestPair(graph: ResearchGraph, candidate: string, matches: ReadonlyMap<string, PaperMatch>) {
  let best: PaperPair | null = null;
  for (const theirs of comparedPapersOf(graph, candidate)) {
    const match = matches.get(theirs);
    if (match && (!best || match.similarity > best.similarity))
      best = { mine: match.mine, theirs, similarity: match.similarity };
  }
  return best;
}

/** What the pair features of one query read (see pairFeaturesForQuery). */
export type PairContext = {
  /** Each compared candidate paper's closest query paper (see papersToCompare). */
  paperMatches: ReadonlyMap<string, PaperMatch>;
  affiliations: (researcher: string) => string[];
  queryAffiliations: string[];
};

/**
 * Adds the PAIR_FEATURES to features from featuresForQuery: the closest pair of papers and whether
 * the two share an institution.
 */
export function pairFeaturesForQuery(
  data: RankingData,
  context: PairContext,
): (candidate: string, scored: ScoredFeatures) => ScoredFeatures {
  const queryInstitutions = new Set(context.queryAffiliations.map((a) => a.toLowerCase()));
  return (candidate, scored) => {
    const pair = closestPair(data.graph, candidate, context.paperMatches);
    const sameInstitution = context
      .affiliations(candidate)
      .some((a) => queryInstitutions.has(a.toLowerCase()));
    return {
      ...scored,
      features: {
        ...scored.features,
        closestPaperSimilarity: pair?.similarity ?? 0,
        sameInstitution: sameInstitution ? 1 : 0,
      },
      closestPair: pair,
    };
  };
}

/**
 * Scores candidates against one query: what depends on the query alone (its venues, its citation
 * links) is worked out once, then each call gives the features of one (query, candidate) pair but
 * the PAIR_FEATURES, which stay 0 until pairFeaturesForQuery adds them; graph features are 0 when
 * the query has no graph.
 */
export function featuresForQuery(
  query: RankingQuery,
  data: RankingData,
  referenceYear: number,
): (candidate: Candidate) => ScoredFeatures | null {
  const { graph } = data;
  const sharedVenues = venueCosine(graph, graph.venueCounts(query.paperIds));
  const q = query.researcher;
  const citationLinks = citationLinksByPerson(query.paperIds, data.citations, graph);
  return (candidate) => {
    const interests = data.interestsOf(candidate.id);
    if (!interests) return null;
    const theirPapers = graph.papersOf(candidate.id);
    const best = bestInterestMatch(query.interests, interests);
    const shared = q
      ? sharedNeighbourScores(graph, q, candidate.id, referenceYear, RECENCY_HALF_LIFE_YEARS)
      : NO_SHARED_NEIGHBOURS;
    const aa = shared.adamicAdar;
    const citations = citationCountsOf(citationLinks, candidate.id);
    const recent = graph.recentActivity(candidate.id, referenceYear, RECENT_YEARS);
    const features: Features = {
      topicSimilarity: best.similarity,
      meanTopicSimilarity: cosineOfUnitVectors(query.interests.mean, interests.mean),
      closestPaperSimilarity: 0,
      yearsSinceActive: Math.min(
        MAX_YEARS_INACTIVE,
        Math.max(0, referenceYear - graph.latestYear(candidate.id)),
      ),
      productivity: Math.log1p(theirPapers.length),
      // People writing a lot right now take on new collaborators more than those whose work is behind them.
      recentProductivity: Math.log1p(recent.papers),
      // Whoever works in large and changing teams is the likeliest to take on one more co-author.
      coauthors: Math.log1p(graph.degree(candidate.id)),
      recentCoauthors: Math.log1p(recent.coauthors),
      sharedVenues: sharedVenues(candidate.id),
      sameInstitution: 0,
      commonNeighbours: Math.log1p(shared.commonNeighbours),
      adamicAdar: Math.log1p(aa),
      resourceAllocation: Math.log1p(shared.resourceAllocation),
      recentAdamicAdar: Math.log1p(shared.recentAdamicAdar),
      tieStrengthAdamicAdar: Math.log1p(shared.tieStrengthAdamicAdar),
      // Shared co-authors count for more between people who also work on the same topics.
      topicTimesAdamicAdar: best.similarity * Math.log1p(aa),
      // PPR mass is tiny and heavy-tailed; its logarithm is what separates candidates.
      randomWalk: q ? Math.log10(1e-8 + (candidate.ppr ?? 0)) + 8 : 0,
      inverseHops: candidate.hops ? 1 / candidate.hops : 0,
      citesQuery: Math.log1p(citations.citesYou),
      citedByQuery: Math.log1p(citations.youCite),
      sharedReferences: Math.log1p(citations.sharedReferences),
    };
    return { features, closestPair: null, bestInterest: best.a, citations };
  };
}
