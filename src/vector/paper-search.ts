import { LRUCache } from 'lru-cache';
import { type PaperFilters, paperFilter } from '../domain/paper-filters.ts';
import type { PaperIndex } from './paper-index.ts';
import type { SearchHit } from './vector-index.ts';

/**
 * What the papers use-cases need of the paper index, in plain data, so that the index may live in
 * another thread: applying pending changes, and a filtered nearest-neighbour search.
 */
export interface PaperSearch {
  /** Applies every change written so far; resolves once this index shows them. */
  catchUp(): Promise<number>;
  inSync(): Promise<boolean>;
  /**
   * Nearest papers to a vector. `caughtUp`: the caller awaited catchUp() after the writes the answer must
   * show (e.g. while it embedded the text), so the search itself need not read the change streams.
   */
  search(
    vector: Float32Array,
    limit: number,
    filters: PaperFilters,
    options?: { caughtUp?: boolean },
  ): Promise<SearchHit[]>;
  /**
   * Nearest papers to a stored paper, never the paper itself (nor, when asked, papers sharing an
   * author with it), from the vector and authors the index holds; null when the paper is not stored.
   */
  similarTo(
    id: string,
    limit: number,
    filters: PaperFilters,
    excludeSameAuthors: boolean,
  ): Promise<SearchHit[] | null>;
  /** Papers in the index, and how far (seconds) it is behind the newest change in Redis. */
  stats(): Promise<{ size: number; lagSeconds: number }>;
}

/** Answers of similar-by-id kept per process: a popular paper's page asks the same question again and again. */
const SIMILAR_ANSWERS_KEPT = 20_000;

/**
 * The paper index of this thread, as a PaperSearch. Similar-by-id answers are remembered with the
 * index version they were computed at and served again only while the index still has that version
 * (any change applied drops them all), so a remembered answer is always the answer a search would give.
 */
export function localPaperSearch(index: PaperIndex): PaperSearch {
  const similarAnswers = new LRUCache<string, { version: number; hits: SearchHit[] | null }>({
    max: SIMILAR_ANSWERS_KEPT,
  });
  return {
    catchUp: () => index.catchUp(),
    inSync: () => index.inSync(),
    stats: async () => ({ size: index.index.size, lagSeconds: await index.lagSeconds() }),
    async search(vector, limit, filters, options = {}) {
      if (!options.caughtUp) await index.catchUp();
      return index.index.search(vector, limit, paperFilter(filters));
    },
    async similarTo(id, limit, filters, excludeSameAuthors) {
      await index.catchUp();
      const question = JSON.stringify([id, limit, filters, excludeSameAuthors]);
      const remembered = similarAnswers.get(question);
      if (remembered?.version === index.version) return remembered.hits;
      const version = index.version;
      const hits = searchSimilar(index, id, limit, filters, excludeSameAuthors);
      similarAnswers.set(question, { version, hits });
      return hits;
    },
  };
}

function searchSimilar(
  index: PaperIndex,
  id: string,
  limit: number,
  filters: PaperFilters,
  excludeSameAuthors: boolean,
): SearchHit[] | null {
  const vector = index.index.vectorOf(id);
  const meta = index.index.metaOf(id);
  if (!vector || !meta) return null;
  const excluding: PaperFilters = {
    ...filters,
    excludeIds: [...(filters.excludeIds ?? []), id],
    excludeAuthorIds: [...(filters.excludeAuthorIds ?? []), ...(excludeSameAuthors ? meta.authorIds : [])],
  };
  return index.index.search(vector, limit, paperFilter(excluding));
}
