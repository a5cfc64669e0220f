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
  search(vector: Float32Array, limit: number, filters: PaperFilters): Promise<SearchHit[]>;
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

/** The paper index of this thread, as a PaperSearch. */
export function localPaperSearch(index: PaperIndex): PaperSearch {
  return {
    catchUp: () => index.catchUp(),
    inSync: () => index.inSync(),
    stats: async () => ({ size: index.index.size, lagSeconds: await index.lagSeconds() }),
    async search(vector, limit, filters) {
      await index.catchUp();
      return index.index.search(vector, limit, paperFilter(filters));
    },
    async similarTo(id, limit, filters, excludeSameAuthors) {
      await index.catchUp();
      const vector = index.index.vectorOf(id);
      const meta = index.index.metaOf(id);
      if (!vector || !meta) return null;
      const excluding: PaperFilters = {
        ...filters,
        excludeIds: [...(filters.excludeIds ?? []), id],
        excludeAuthorIds: [
          ...(filters.excludeAuthorIds ?? []),
          ...(excludeSameAuthors ? meta.authorIds : []),
        ],
      };
      return index.index.search(vector, limit, paperFilter(excluding));
    },
  };
}
