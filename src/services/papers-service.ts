import { type IngestStatus, type Paper, papersOverAuthorLimit, paperText } from '../domain/paper.ts';
import type { PaperFilters } from '../domain/paper-filters.ts';
import { paperHashes } from '../domain/paper-hashes.ts';
import { referenceKeys } from '../domain/references.ts';
import { roundScore } from '../domain/score.ts';
import type { Embedder } from '../embedding/embedder.ts';
import { l2Normalize } from '../embedding/pooling.ts';
import { NotFoundError, PayloadTooLargeError, UnprocessableError } from '../errors.ts';
import { PHRASES_VERSION, type PhraseSource } from '../recommend/key-phrases.ts';
import type { CitationDirection, CitationRepository } from '../storage/citation-repository.ts';
import type { PaperRepository } from '../storage/paper-repository.ts';
import type { PaperSearch } from '../vector/paper-search.ts';
import type { SearchHit } from '../vector/vector-index.ts';

export type Page = { limit: number; offset: number };
export type ScoredPaper = { paper: Paper; score: number };
export type IngestResult = { id: string; status: IngestStatus; paper: Paper };
/** A stored paper with its citation counts: references listed, those among stored papers, citations. */
export type PaperRecord = Paper & {
  counts: { references: number; referencesInStore: number; citations: number };
};

/** Rocchio weights: the query moves toward the positives and half as far away from the negatives. */
const ROCCHIO_NEGATIVE_WEIGHT = 0.5;

export class PapersService {
  constructor(
    private readonly deps: {
      papers: PaperRepository;
      citations: CitationRepository;
      embedder: Embedder;
      /** Papers' key phrases (tagging is CPU work: the API does it in a thread of its own). */
      phrases: (papers: PhraseSource[]) => Promise<string[][]>;
      index: PaperSearch;
      maxPapersPerRequest: number;
      maxAuthorsPerPaper: number;
    },
  ) {}

  /**
   * Embeds and stores papers; idempotent on paper id. Unchanged papers are neither embedded nor written.
   * Returns once the papers are searchable in this process's index.
   */
  async ingest(papers: Paper[]): Promise<IngestResult[]> {
    const { maxPapersPerRequest } = this.deps;
    if (papers.length > maxPapersPerRequest) {
      throw new PayloadTooLargeError(`at most ${maxPapersPerRequest} papers per request`, {
        received: papers.length,
        max: maxPapersPerRequest,
      });
    }
    this.assertWithinAuthorLimit(papers);
    const seen = new Set<string>();
    const repeated = papers.filter((p) => seen.size === seen.add(p.id).size).map((p) => p.id);
    if (repeated.length > 0) {
      throw new UnprocessableError('a paper id appears more than once in the batch', {
        repeatedIds: repeated,
      });
    }
    const results = await this.store(papers);
    await this.deps.index.catchUp();
    return results;
  }

  /**
   * A paper's write costs Redis work in proportion to its authors (one script, which nothing can
   * interrupt), so the store caps them.
   */
  private assertWithinAuthorLimit(papers: Paper[]): void {
    const max = this.deps.maxAuthorsPerPaper;
    const paperIds = papersOverAuthorLimit(papers, max);
    if (paperIds.length > 0) {
      throw new UnprocessableError(`a paper may list at most ${max} authors (MAX_AUTHORS_PER_PAPER)`, {
        paperIds,
        max,
      });
    }
  }

  /** Writes papers without waiting for this process's index (used by bulk imports). */
  async store(papers: Paper[]): Promise<IngestResult[]> {
    this.assertWithinAuthorLimit(papers);
    const { embedder, papers: repository } = this.deps;
    const hashes = papers.map((paper) => paperHashes(paper, embedder.modelVersion, PHRASES_VERSION));
    const stored = await repository.settledContentHashes(papers.map((p) => p.id));
    const changed = hashes.flatMap((hash, i) => (stored[i] === hash.contentHash ? [] : [i]));
    // Tagged while the texts are embedded.
    const [vectors, phrases] = await Promise.all([
      embedder.embed(changed.map((i) => paperText(papers[i]!.title, papers[i]!.abstract))),
      this.deps.phrases(changed.map((i) => papers[i]!)),
    ]);
    const statuses: IngestStatus[] = papers.map(() => 'unchanged');
    await Promise.all(
      changed.map(async (paperIndex, j) => {
        const paper = papers[paperIndex]!;
        statuses[paperIndex] = await repository.upsert({
          paper,
          vector: vectors[j]!,
          terms: phrases[j]!,
          ...hashes[paperIndex]!,
        });
      }),
    );
    return papers.map((paper, i) => ({ id: paper.id, status: statuses[i]!, paper }));
  }

  /** Finishes the paper writes whose writers died (the reconcile job). */
  reconcile(): Promise<{ repaired: number; waiting: number }> {
    return this.deps.papers.reconcile();
  }

  /** The search index's size and lag, once it has applied every change written so far. */
  async indexStats(): Promise<{ size: number; lagSeconds: number }> {
    await this.deps.index.catchUp();
    return this.deps.index.stats();
  }

  async get(id: string): Promise<PaperRecord> {
    const [paper, [counts]] = await Promise.all([this.deps.papers.get(id), this.deps.citations.counts([id])]);
    if (!paper) throw new NotFoundError('paper', id);
    return {
      ...paper,
      counts: {
        references: referenceKeys(paper.references).length,
        referencesInStore: counts!.references,
        citations: counts!.citations,
      },
    };
  }

  /** The stored papers a paper cites ('cites') or that cite it ('citedBy'), newest first. */
  async citationPage(
    id: string,
    direction: CitationDirection,
    page: Page,
  ): Promise<{ items: Paper[]; total: number }> {
    const [stored] = await this.deps.papers.contentHashes([id]);
    if (!stored) throw new NotFoundError('paper', id);
    const { ids, total } = await this.deps.citations.page(direction, id, page.offset, page.limit);
    const papers = await this.deps.papers.getMany(ids);
    return { items: papers.filter((p): p is Paper => p !== null), total };
  }

  async list(page: Page): Promise<{ items: Paper[]; total: number }> {
    const [ids, total] = await Promise.all([
      this.deps.papers.listIds(page.offset, page.limit),
      this.deps.papers.count(),
    ]);
    const papers = await this.deps.papers.getMany(ids);
    return { items: papers.filter((p): p is Paper => p !== null), total };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.deps.papers.delete(id))) throw new NotFoundError('paper', id);
    await this.deps.index.catchUp();
  }

  /** Nearest papers to a stored paper, never the paper itself: one trip to the index, one to Redis. */
  async similarToPaper(
    id: string,
    options: { page: Page; filters: PaperFilters; excludeSameAuthors: boolean },
  ): Promise<ScoredPaper[]> {
    const { page } = options;
    const hits = await this.deps.index.similarTo(
      id,
      page.offset + page.limit,
      options.filters,
      options.excludeSameAuthors,
    );
    if (!hits) throw new NotFoundError('paper', id);
    return this.withPapers(hits.slice(page.offset));
  }

  /** Nearest stored papers to a pasted title and abstract. */
  async similarToText(
    text: { title?: string; abstract: string },
    options: { page: Page; filters: PaperFilters },
  ): Promise<ScoredPaper[]> {
    const input = text.title ? paperText(text.title, text.abstract) : text.abstract.trim();
    // The index catches up with the writes made so far while the text is embedded, not after.
    const [[vector]] = await Promise.all([this.deps.embedder.embed([input]), this.deps.index.catchUp()]);
    return this.search(vector!, options.page, options.filters, { caughtUp: true });
  }

  /** Papers like the positives and unlike the negatives (Rocchio), excluding both lists. */
  async recommend(input: {
    positive: string[];
    negative: string[];
    page: Page;
    filters: PaperFilters;
  }): Promise<ScoredPaper[]> {
    const ids = [...input.positive, ...input.negative];
    const vectors = await this.deps.papers.vectors(ids);
    const unknown = ids.filter((_, i) => vectors[i] === null);
    if (unknown.length > 0)
      throw new UnprocessableError('some paper ids are not in the store', { unknownIds: unknown });
    const query = new Float32Array(this.deps.embedder.dimension);
    const addScaled = (vectorList: (Float32Array | null)[], weight: number) => {
      for (const vector of vectorList) {
        for (let d = 0; d < query.length; d++) query[d] = query[d]! + weight * vector![d]!;
      }
    };
    addScaled(vectors.slice(0, input.positive.length), 1 / input.positive.length);
    if (input.negative.length > 0) {
      addScaled(vectors.slice(input.positive.length), -ROCCHIO_NEGATIVE_WEIGHT / input.negative.length);
    }
    const filters = { ...input.filters, excludeIds: [...(input.filters.excludeIds ?? []), ...ids] };
    return this.search(l2Normalize(query), input.page, filters);
  }

  private async search(
    vector: Float32Array,
    page: Page,
    filters: PaperFilters,
    options?: { caughtUp: boolean },
  ): Promise<ScoredPaper[]> {
    return this.withPapers(
      (await this.deps.index.search(vector, page.offset + page.limit, filters, options)).slice(page.offset),
    );
  }

  private async withPapers(hits: SearchHit[]): Promise<ScoredPaper[]> {
    const papers = await this.deps.papers.getMany(hits.map((hit) => hit.id));
    return hits.flatMap((hit, i) => {
      const paper = papers[i];
      return paper ? [{ paper, score: roundScore(hit.score) }] : [];
    });
  }
}
