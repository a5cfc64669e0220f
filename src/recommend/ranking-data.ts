import type { PaperMeta } from '../domain/paper-filters.ts';
import { CitationGraph } from '../graph/citation-graph.ts';
import { ResearchGraph } from '../graph/research-graph.ts';
import { cosineOfUnitVectors, type Interests, researcherInterests } from '../vector/interests.ts';
import type { ResearcherIndex } from '../vector/researcher-index.ts';
import type { VectorIndex } from '../vector/vector-index.ts';
import type { RankingData } from './candidates.ts';

/** Ranking data of the live store: the researcher index (graph, interests, centroid HNSW) and the paper index. */
export class LiveRankingData implements RankingData {
  constructor(
    private readonly researchers: ResearcherIndex,
    private readonly papers: VectorIndex<PaperMeta>,
    private readonly citationIndex: { readonly graph: CitationGraph },
  ) {}

  get graph(): ResearchGraph {
    return this.researchers.graph;
  }

  get citations(): CitationGraph {
    return this.citationIndex.graph;
  }

  interestsOf(researcher: string): Interests | null {
    return this.researchers.interestsOf(researcher);
  }

  topicNeighbours(vectors: Float32Array[], limit: number, exclude: (researcher: string) => boolean) {
    return this.researchers.topicNeighbours(vectors, limit, exclude);
  }

  nearestPapers(vector: Float32Array, limit: number): string[] {
    return this.papers.search(vector, limit).map((hit) => hit.id);
  }

  paperVector(id: string): Float32Array | undefined {
    return this.papers.vectorOf(id);
  }
}

/** Researchers whose interests are computed between two calls of giveWay (≈ 30 ms at 100k papers). */
const INTERESTS_PER_STEP = 500;

/**
 * The store without some papers (those after a year, or a held-out sample): the graph and interests
 * of the kept papers only, with exact topic search over all interest centroids. Used to learn ranking
 * weights from the pairs that the held-out papers form, without building a second HNSW index.
 */
export class HistoricalRankingData implements RankingData {
  readonly graph: ResearchGraph;
  readonly citations: CitationGraph;
  private readonly interests = new Map<string, Interests>();
  private readonly centroidOwners: string[] = [];
  private readonly centroidVectors: Float32Array[] = [];

  constructor(
    private readonly papers: VectorIndex<PaperMeta>,
    private readonly keep: (id: string, meta: PaperMeta) => boolean,
    readonly referenceYear: number,
    allCitations: CitationGraph = new CitationGraph(),
    options: { withInterests: boolean } = { withInterests: true },
  ) {
    this.graph = ResearchGraph.fromPapers([...papers.entries()].filter((e) => keep(e.id, e.meta)));
    this.citations = allCitations.restrictedTo((id) => this.graph.paper(id) !== undefined);
    if (options.withInterests)
      for (const researcher of this.graph.researchers()) this.addInterests(researcher);
  }

  /**
   * The same data built in steps: every researcher's interests (k-means over their papers) take
   * seconds at 100k papers, so `giveWay` is awaited after each slice of researchers.
   */
  static async build(
    papers: VectorIndex<PaperMeta>,
    keep: (id: string, meta: PaperMeta) => boolean,
    referenceYear: number,
    allCitations: CitationGraph,
    giveWay: () => Promise<void>,
  ): Promise<HistoricalRankingData> {
    const data = new HistoricalRankingData(papers, keep, referenceYear, allCitations, {
      withInterests: false,
    });
    let added = 0;
    for (const researcher of data.graph.researchers()) {
      data.addInterests(researcher);
      if (++added % INTERESTS_PER_STEP === 0) await giveWay();
    }
    return data;
  }

  private addInterests(researcher: string): void {
    const dated = this.graph.papersOf(researcher).flatMap((id) => {
      const vector = this.papers.vectorOf(id);
      return vector ? [{ id, vector, year: this.graph.paper(id)!.year }] : [];
    });
    const interests = researcherInterests(dated, this.referenceYear);
    if (!interests) return;
    this.interests.set(researcher, interests);
    for (const centroid of interests.centroids) {
      this.centroidOwners.push(researcher);
      this.centroidVectors.push(centroid.vector);
    }
  }

  interestsOf(researcher: string): Interests | null {
    return this.interests.get(researcher) ?? null;
  }

  topicNeighbours(vectors: Float32Array[], limit: number, exclude: (researcher: string) => boolean) {
    const best = new Map<string, number>();
    for (const vector of vectors) {
      this.centroidVectors.forEach((centroid, i) => {
        const owner = this.centroidOwners[i]!;
        const similarity = cosineOfUnitVectors(vector, centroid);
        if (similarity > (best.get(owner) ?? Number.NEGATIVE_INFINITY) && !exclude(owner))
          best.set(owner, similarity);
      });
    }
    return [...best]
      .map(([researcher, similarity]) => ({ researcher, similarity }))
      .sort((a, b) => b.similarity - a.similarity || a.researcher.localeCompare(b.researcher))
      .slice(0, limit);
  }

  nearestPapers(vector: Float32Array, limit: number): string[] {
    return this.papers.search(vector, limit, this.keep).map((hit) => hit.id);
  }

  paperVector(id: string): Float32Array | undefined {
    return this.papers.vectorOf(id);
  }
}
