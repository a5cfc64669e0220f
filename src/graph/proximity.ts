import { byId, type CoauthorEdge, type ResearchGraph, tieStrengthScale } from './research-graph.ts';

/** Number of co-authors a and b share. */
export function commonNeighbours(graph: ResearchGraph, a: string, b: string): number {
  const [small, large] = orderBySize(graph, a, b);
  let count = 0;
  for (const z of small.keys()) if (large.has(z)) count += 1;
  return count;
}

/** Adamic–Adar: shared co-authors, each counted 1/log(its degree), so prolific hubs count less. */
export function adamicAdar(graph: ResearchGraph, a: string, b: string): number {
  const [small, large] = orderBySize(graph, a, b);
  let score = 0;
  for (const z of small.keys()) if (large.has(z)) score += 1 / Math.log(Math.max(2, graph.degree(z)));
  return score;
}

/** What two researchers' shared co-authors say, each score from the same walk (see sharedNeighbourScores). */
export type SharedNeighbourScores = {
  commonNeighbours: number;
  adamicAdar: number;
  /** Resource allocation (Zhou, Lü & Zhang 2009): shared co-authors counted 1/degree. */
  resourceAllocation: number;
  /**
   * Adamic–Adar where each shared co-author counts by how strong both ties are: min(strength of a–z,
   * strength of z–b) / log(degree of z), a tie's strength its joint papers counted 1/(authors − 1) and
   * halved per four years (see `tieStrength`). Someone both wrote several recent papers with, in small
   * teams, ties the two closer than someone both met once on a fifty-author paper.
   */
  tieStrengthAdamicAdar: number;
  /**
   * Adamic–Adar where each shared co-author counts by how recent both collaborations are: a path
   * through someone both worked with last year says more than one through a collaboration ten years old.
   */
  recentAdamicAdar: number;
};

/**
 * How closely one shared co-author z ties a and b, up to the scale of `tieStrength`: the weaker of the
 * two ties (a–z, z–b) over log(degree of z).
 */
export function sharedCoauthorTie(
  graph: ResearchGraph,
  z: string,
  az: CoauthorEdge,
  zb: CoauthorEdge,
): number {
  return Math.min(az.strength, zb.strength) / Math.log(Math.max(2, graph.degree(z)));
}

/**
 * Every score of `SharedNeighbourScores` from one walk over the smaller of the two neighbourhoods:
 * ranking works them out for each of hundreds of candidates, and five separate walks (one of them over
 * the query's neighbourhood, however large) were a quarter of the per-candidate features.
 */
export function sharedNeighbourScores(
  graph: ResearchGraph,
  a: string,
  b: string,
  referenceYear: number,
  halfLifeYears: number,
): SharedNeighbourScores {
  const [small, large] = orderBySize(graph, a, b);
  const scores = {
    commonNeighbours: 0,
    adamicAdar: 0,
    resourceAllocation: 0,
    tieStrengthAdamicAdar: 0,
    recentAdamicAdar: 0,
  };
  const tieScale = tieStrengthScale(referenceYear);
  for (const [z, edge] of small) {
    const other = large.get(z);
    if (!other) continue;
    const degree = graph.degree(z);
    const logDegree = Math.log(Math.max(2, degree));
    const age = referenceYear - Math.min(edge.latestYear, other.latestYear);
    scores.commonNeighbours += 1;
    scores.adamicAdar += 1 / logDegree;
    scores.resourceAllocation += 1 / Math.max(1, degree);
    scores.tieStrengthAdamicAdar += sharedCoauthorTie(graph, z, edge, other) * tieScale;
    scores.recentAdamicAdar += 0.5 ** (Math.max(0, age) / halfLifeYears) / logDegree;
  }
  return scores;
}

/**
 * How much two researchers belong to one group: 1 when they wrote together, otherwise the Jaccard
 * overlap of their co-authors (0 for strangers).
 */
export function coauthorGroupSimilarity(graph: ResearchGraph, a: string, b: string): number {
  const na = graph.neighbours(a);
  if (na.has(b)) return 1;
  const nb = graph.neighbours(b);
  if (na.size === 0 || nb.size === 0) return 0;
  const shared = commonNeighbours(graph, a, b);
  return shared / (na.size + nb.size - shared);
}

function orderBySize(graph: ResearchGraph, a: string, b: string) {
  const na = graph.neighbours(a);
  const nb = graph.neighbours(b);
  return na.size <= nb.size ? ([na, nb] as const) : ([nb, na] as const);
}

/** Hop distance from the source to every researcher within maxHops (the source itself excluded). */
export function hopDistances(
  graph: ResearchGraph,
  source: string,
  maxHops: number,
  maxNodes = 50_000,
): Map<string, number> {
  const distance = new Map<string, number>([[source, 0]]);
  let frontier = [source];
  for (let hop = 1; hop <= maxHops && frontier.length > 0 && distance.size < maxNodes; hop++) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const neighbour of graph.neighbours(node).keys()) {
        if (distance.has(neighbour)) continue;
        distance.set(neighbour, hop);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  distance.delete(source);
  return distance;
}

/**
 * Personalised PageRank from one researcher by forward push (Andersen, Chung & Lang 2006): a random
 * walk that follows co-author edges in proportion to the strength of each tie (joint papers counted
 * 1/(authors − 1), newer ones more: see `paperTieWeight`) and restarts at the source with probability
 * `restart`. A walk by joint papers alone went to every co-author of a fifty-author paper as readily
 * as to a student's supervisor. Only the neighbourhood the walk reaches is touched; residual mass below
 * `epsilon` per joint paper of a node is left unpushed (the depth of the walk does not depend on how
 * its ties are weighted).
 */
export function personalizedPageRank(
  graph: ResearchGraph,
  source: string,
  options: { restart?: number; epsilon?: number; maxPushes?: number } = {},
): Map<string, number> {
  const restart = options.restart ?? 0.15;
  const epsilon = options.epsilon ?? 1e-4;
  const maxPushes = options.maxPushes ?? 100_000;
  const estimate = new Map<string, number>();
  const residual = new Map<string, number>([[source, 1]]);
  const degrees = new Map<string, { papers: number; strength: number }>();
  const degreeOf = (node: string) => {
    let degree = degrees.get(node);
    if (degree === undefined) {
      degree = { papers: 0, strength: 0 };
      for (const edge of graph.neighbours(node).values()) {
        degree.papers += edge.count;
        degree.strength += edge.strength;
      }
      degrees.set(node, degree);
    }
    return degree;
  };
  // Pushes follow neighbours in id order: the estimate, which stops at `epsilon`, then depends on
  // the graph alone and not on the order its edges were added in (changes arrive in any order).
  const sortedNeighbours = new Map<string, [string, CoauthorEdge][]>();
  const neighboursOf = (node: string) => {
    let list = sortedNeighbours.get(node);
    if (!list) {
      list = [...graph.neighbours(node)].sort(([a], [b]) => byId(a, b));
      sortedNeighbours.set(node, list);
    }
    return list;
  };
  const queued = new Set<string>([source]);
  const queue = [source];
  for (let pushes = 0; queue.length > 0 && pushes < maxPushes; pushes++) {
    const node = queue.pop()!;
    queued.delete(node);
    const r = residual.get(node) ?? 0;
    const degree = degreeOf(node);
    if (degree.strength === 0 || r < epsilon * degree.papers) continue;
    estimate.set(node, (estimate.get(node) ?? 0) + restart * r);
    residual.set(node, 0);
    const spread = ((1 - restart) * r) / degree.strength;
    for (const [neighbour, edge] of neighboursOf(node)) {
      const after = (residual.get(neighbour) ?? 0) + spread * edge.strength;
      residual.set(neighbour, after);
      if (!queued.has(neighbour) && after >= epsilon * degreeOf(neighbour).papers) {
        queued.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  estimate.delete(source);
  return estimate;
}
