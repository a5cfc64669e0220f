import type { CitationGraph } from '../graph/citation-graph.ts';
import { hopDistances, personalizedPageRank } from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import type { Interests } from '../vector/interests.ts';
import { citationLinksByPerson, citationNeighbours } from './citation-links.ts';

/** What candidate generation and features read: the graph, interests and two nearest-neighbour searches. */
export interface RankingData {
  readonly graph: ResearchGraph;
  /** Citations between the papers of the graph (empty when the data has no references). */
  readonly citations: CitationGraph;
  interestsOf(researcher: string): Interests | null;
  /** Researchers whose interest centroids are nearest to the vectors, best cosine first. */
  topicNeighbours(
    vectors: Float32Array[],
    limit: number,
    exclude: (researcher: string) => boolean,
  ): { researcher: string; similarity: number }[];
  /** Ids of the papers nearest to the vector. */
  nearestPapers(vector: Float32Array, limit: number): string[];
  /** A paper's vector. */
  paperVector(id: string): Float32Array | undefined;
}

export type CandidateSource = 'topic' | 'graph' | 'papers' | 'citations';

/** The query side of a ranking: a researcher in the graph, or free interests (cold start). */
export type RankingQuery = {
  researcher?: string;
  interests: Interests;
  /** The query's papers, newest first (empty for a visitor with only text). */
  paperIds: readonly string[];
};

export type Candidate = { id: string; sources: Set<CandidateSource>; hops?: number; ppr?: number };

export const CANDIDATE_LIMITS = {
  topic: 100,
  /** 2-hop researchers kept: all of them up to this many, else those the random walk reaches most. */
  twoHopTop: 300,
  pprTop: 100,
  recentPapers: 5,
  papersPerQuery: 20,
  /** People taken from the authors of those nearest papers. */
  paperAuthors: 300,
  /** People whose papers cite the query's, or whose papers the query cites, most such papers first. */
  citations: 100,
};

/**
 * The union of topic neighbours (ANN over researcher interest centroids), co-authors (unless
 * excluded), the 2- and 3-hop researchers a personalised random walk reaches most, the authors of
 * papers nearest to the query's recent papers, and the people linked to the query by citations. Never the query itself; `excluded` researchers
 * (co-authors when asked, conflicts) are dropped here.
 */
export function generateCandidates(
  query: RankingQuery,
  data: RankingData,
  excluded: (researcher: string) => boolean,
): Map<string, Candidate> {
  const candidates = new Map<string, Candidate>();
  const skip = (id: string) => id === query.researcher || excluded(id);
  const add = (id: string, source: CandidateSource) => {
    if (skip(id)) return;
    let candidate = candidates.get(id);
    if (!candidate) {
      candidate = { id, sources: new Set() };
      candidates.set(id, candidate);
    }
    candidate.sources.add(source);
  };

  for (const { researcher } of data.topicNeighbours(
    query.interests.centroids.map((c) => c.vector),
    CANDIDATE_LIMITS.topic,
    skip,
  )) {
    add(researcher, 'topic');
  }

  const inGraph = query.researcher !== undefined && data.graph.hasResearcher(query.researcher);
  // Exact distances to 2 hops; 3 hops is told per person (someone at 2 hops among their co-authors),
  // since the whole 3-hop ball of a well-connected author is tens of thousands of people.
  const near = inGraph ? hopDistances(data.graph, query.researcher!, 2) : new Map<string, number>();
  const hopsTo = (id: string): number | undefined => {
    const known = near.get(id);
    if (known !== undefined) return known;
    for (const z of data.graph.neighbours(id).keys()) if (near.get(z) === 2) return 3;
    return undefined;
  };
  const ppr = inGraph ? personalizedPageRank(data.graph, query.researcher!) : new Map<string, number>();
  // Co-authors (1 hop) stay only when the caller did not exclude them.
  for (const [id, distance] of near) if (distance === 1) add(id, 'graph');
  // One co-author of a 100-author paper puts thousands of people at 2 hops: ranking every one of
  // them was most of a slow request, and those the walk barely reaches are not the ones that rank.
  const reachedMost = (ids: Iterable<string>, limit: number) =>
    [...ids]
      .filter((id) => !skip(id))
      .map((id) => [id, ppr.get(id) ?? 0] as const)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit);
  const twoHops = [...near].flatMap(([id, distance]) => (distance === 2 ? [id] : []));
  for (const [id] of reachedMost(twoHops, CANDIDATE_LIMITS.twoHopTop)) add(id, 'graph');
  const threeHops = [...ppr.keys()].filter((id) => !near.has(id) && hopsTo(id) === 3);
  for (const [id] of reachedMost(threeHops, CANDIDATE_LIMITS.pprTop)) add(id, 'graph');

  const queryVectors = query.paperIds.length
    ? query.paperIds.slice(0, CANDIDATE_LIMITS.recentPapers).flatMap((id) => {
        const v = data.paperVector(id);
        return v ? [v] : [];
      })
    : query.interests.centroids.map((c) => c.vector);
  const own = new Set(query.paperIds);
  const nearest = queryVectors.map((vector) =>
    data.nearestPapers(vector, CANDIDATE_LIMITS.papersPerQuery + 1).filter((id) => !own.has(id)),
  );
  // Nearest first across the query's papers, up to a limit of people: one 300-author paper nearby
  // must not outnumber everything else.
  let fromPapers = 0;
  for (let rank = 0; rank <= CANDIDATE_LIMITS.papersPerQuery; rank++) {
    for (const list of nearest) {
      for (const author of data.graph.paper(list[rank] ?? '')?.authorIds ?? []) {
        if (fromPapers >= CANDIDATE_LIMITS.paperAuthors) break;
        if (!candidates.get(author)?.sources.has('papers') && !skip(author)) fromPapers += 1;
        add(author, 'papers');
      }
    }
  }
  // Citations either way are a reason of their own, with or without a co-author in common.
  const citing = citationLinksByPerson(query.paperIds, data.citations, data.graph);
  for (const id of citationNeighbours(citing, CANDIDATE_LIMITS.citations, skip)) add(id, 'citations');
  if (inGraph) {
    for (const candidate of candidates.values()) {
      candidate.hops = hopsTo(candidate.id);
      candidate.ppr = ppr.get(candidate.id) ?? 0;
    }
  }
  return candidates;
}
