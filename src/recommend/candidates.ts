import { hopDistances, personalizedPageRank } from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import type { Interests } from '../vector/interests.ts';

/** What candidate generation and features read: the graph, interests and two nearest-neighbour searches. */
export interface RankingData {
  readonly graph: ResearchGraph;
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

export type CandidateSource = 'topic' | 'graph' | 'papers';

/** The query side of a ranking: a researcher in the graph, or free interests (cold start). */
export type RankingQuery = {
  researcher?: string;
  interests: Interests;
  /** The query's papers, newest first (empty for a visitor with only text). */
  paperIds: string[];
};

export type Candidate = { id: string; sources: Set<CandidateSource>; hops?: number; ppr?: number };

export const CANDIDATE_LIMITS = {
  topic: 100,
  pprTop: 100,
  recentPapers: 5,
  papersPerQuery: 20,
  maxHops: 3,
};

/**
 * The union of topic neighbours (ANN over researcher interest centroids), the co-author graph's
 * 1- (unless excluded), 2- and 3-hop neighbourhood (all of 2 hops, the 3-hop researchers a personalised random walk reaches
 * most), and the authors of papers nearest to the query's recent papers. Never the query itself;
 * `excluded` researchers (co-authors when asked, conflicts) are dropped here.
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
  const hops = inGraph ? hopDistances(data.graph, query.researcher!, CANDIDATE_LIMITS.maxHops) : new Map();
  const ppr = inGraph ? personalizedPageRank(data.graph, query.researcher!) : new Map<string, number>();
  // Co-authors (1 hop) stay only when the caller did not exclude them.
  for (const [id, distance] of hops) if (distance <= 2) add(id, 'graph');
  const reached = [...ppr]
    .filter(([id]) => hops.get(id) === 3)
    .sort((a, b) => b[1] - a[1])
    .slice(0, CANDIDATE_LIMITS.pprTop);
  for (const [id] of reached) add(id, 'graph');

  const queryVectors = query.paperIds.length
    ? query.paperIds.slice(0, CANDIDATE_LIMITS.recentPapers).flatMap((id) => {
        const v = data.paperVector(id);
        return v ? [v] : [];
      })
    : query.interests.centroids.map((c) => c.vector);
  const own = new Set(query.paperIds);
  for (const vector of queryVectors) {
    for (const paperId of data.nearestPapers(vector, CANDIDATE_LIMITS.papersPerQuery + 1)) {
      if (own.has(paperId)) continue;
      for (const author of data.graph.paper(paperId)?.authorIds ?? []) add(author, 'papers');
    }
  }
  if (inGraph) {
    for (const candidate of candidates.values()) {
      candidate.hops = hops.get(candidate.id);
      candidate.ppr = ppr.get(candidate.id) ?? 0;
    }
  }
  return candidates;
}
