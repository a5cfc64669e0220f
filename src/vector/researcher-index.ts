import type { PaperMeta } from '../domain/paper-filters.ts';
import { ResearchGraph } from '../graph/research-graph.ts';
import { type DatedVector, type Interests, researcherInterests } from './interests.ts';
import type { DerivedPaperIndex, PaperChange } from './paper-index.ts';
import { type HnswSettings, VectorIndex } from './vector-index.ts';

type CentroidMeta = { researcher: string };
type SavedState = { changeId: string };

const CENTROID_SEPARATOR = '\u0001';
/** Recency is measured against this year; only ratios between a researcher's papers matter. */
const REFERENCE_YEAR = new Date().getUTCFullYear();

export type TopicNeighbour = { researcher: string; similarity: number };

/**
 * Researchers derived from the paper index: the in-memory co-author graph, each researcher's
 * interest centroids (recency-weighted clusters of their paper vectors), and an HNSW index over those
 * centroids for topic neighbours. Kept in step with the paper index through its changes.
 */
export class ResearcherIndex implements DerivedPaperIndex {
  graph = new ResearchGraph();
  readonly centroids: VectorIndex<CentroidMeta>;
  private papers: VectorIndex<PaperMeta> | null = null;
  /**
   * Every researcher's interests once computed (k-means over their papers), kept until their papers
   * change: a suggestion list reads the interests of hundreds of candidates, and recomputing them per
   * request was most of its time. About 2 KB per researcher (docs/BENCHMARKS.md has the RSS).
   */
  private readonly interestsCache = new Map<string, Interests>();

  constructor(
    settings: HnswSettings,
    dimension: number,
    private readonly dir: string,
    /** Every collaboration accepted so far (read when the graph is built; later ones arrive as changes). */
    private readonly acceptedCollaborations: () => Promise<[string, string][]>,
  ) {
    this.centroids = new VectorIndex<CentroidMeta>(dimension, settings);
  }

  /** The co-author graph of the papers, with accepted collaborations as edges too. */
  private async buildGraph(papers: VectorIndex<PaperMeta>): Promise<ResearchGraph> {
    const graph = ResearchGraph.fromPapers(papers.entries());
    for (const [a, b] of await this.acceptedCollaborations())
      graph.addAcceptedEdge(a, b, graph.latestPaperYear);
    return graph;
  }

  async reset(papers: VectorIndex<PaperMeta>): Promise<void> {
    this.papers = papers;
    this.graph = await this.buildGraph(papers);
    this.interestsCache.clear();
    this.centroids.clear();
    for (const researcher of this.graph.researchers()) this.indexResearcher(researcher);
  }

  async apply(
    changes: PaperChange[],
    papers: VectorIndex<PaperMeta>,
    collaborations: [string, string][],
  ): Promise<void> {
    this.papers = papers;
    for (const [a, b] of collaborations) this.graph.addAcceptedEdge(a, b, this.graph.latestPaperYear);
    const touched = new Set<string>();
    for (const change of changes) {
      const changed = change.after
        ? this.graph.addPaper(change.id, change.after)
        : this.graph.removePaper(change.id);
      for (const researcher of changed) touched.add(researcher);
    }
    for (const researcher of touched) {
      this.interestsCache.delete(researcher);
      this.indexResearcher(researcher);
    }
  }

  async load(changeId: string, papers: VectorIndex<PaperMeta>): Promise<boolean> {
    const state = (await this.centroids.load(this.dir)) as SavedState | null;
    if (state?.changeId !== changeId) return false;
    this.papers = papers;
    this.graph = await this.buildGraph(papers);
    this.interestsCache.clear();
    // Worked out now rather than by the first requests (reset does the same while indexing centroids).
    for (const researcher of this.graph.researchers()) this.interestsOf(researcher);
    return true;
  }

  async save(changeId: string): Promise<void> {
    const state: SavedState = { changeId };
    await this.centroids.save(this.dir, state);
  }

  private indexResearcher(researcher: string): void {
    for (let i = 0; ; i++) if (!this.centroids.remove(centroidId(researcher, i))) break;
    const interests = this.interestsOf(researcher);
    interests?.centroids.forEach((centroid, i) => {
      this.centroids.upsert(centroidId(researcher, i), centroid.vector, { researcher });
    });
  }

  /** A researcher's papers with their vectors and years (from the paper index). */
  datedPapers(researcher: string): DatedVector[] {
    const papers = this.papers;
    if (!papers) return [];
    return this.graph.papersOf(researcher).flatMap((id) => {
      const vector = papers.vectorOf(id);
      const meta = papers.metaOf(id);
      return vector && meta ? [{ id, vector, year: meta.year }] : [];
    });
  }

  interestsOf(researcher: string): Interests | null {
    const cached = this.interestsCache.get(researcher);
    if (cached) return cached;
    // Someone without papers (an unknown id, or whose papers were deleted) is not remembered.
    const interests = researcherInterests(this.datedPapers(researcher), REFERENCE_YEAR);
    if (interests) this.interestsCache.set(researcher, interests);
    return interests;
  }

  /**
   * Researchers whose interest centroids are nearest to any of the given vectors, each with its best
   * cosine, best first.
   */
  topicNeighbours(
    vectors: Float32Array[],
    limit: number,
    exclude: (researcher: string) => boolean,
  ): TopicNeighbour[] {
    const best = new Map<string, number>();
    const accepts = (_id: string, meta: CentroidMeta) => !exclude(meta.researcher);
    for (const vector of vectors) {
      // A search for a little more than `limit` centroids mostly finds that many distinct researchers,
      // and then nothing it left out can enter the best `limit` through this vector (each left-out hit
      // scores below all of them). Only when fewer come back (researchers with several centroids near
      // the vector) is it repeated three times as deep, which always holds `limit` researchers if there
      // are that many. The shallow search costs less than half the deep one (docs/BENCHMARKS.md).
      for (let depth = limit + Math.ceil(limit / 10); ; depth = limit * 3) {
        const hits = this.centroids.search(vector, depth, accepts);
        const seen = new Set<string>();
        for (const hit of hits) {
          const researcher = hit.id.slice(0, hit.id.lastIndexOf(CENTROID_SEPARATOR));
          seen.add(researcher);
          best.set(researcher, Math.max(best.get(researcher) ?? Number.NEGATIVE_INFINITY, hit.score));
        }
        if (seen.size >= limit || hits.length < depth || depth >= limit * 3) break;
      }
    }
    return [...best]
      .map(([researcher, similarity]) => ({ researcher, similarity }))
      .sort((a, b) => b.similarity - a.similarity || a.researcher.localeCompare(b.researcher))
      .slice(0, limit);
  }
}

function centroidId(researcher: string, index: number): string {
  return `${researcher}${CENTROID_SEPARATOR}${index}`;
}
