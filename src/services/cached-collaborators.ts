import type { CollaboratorOptions } from '../recommend/collaborator-ranking.ts';
import type { SuggestionResult } from '../recommend/explanations.ts';
import type { JsonStore } from '../storage/json-store.ts';
import { type CachedSuggestions, cacheCanAnswer } from './cached-suggestions.ts';
import type { CollaboratorsService } from './collaborators-service.ts';
import type { StoredRankingModels } from './stored-ranking-models.ts';

/** What the front needs of the ranking, which may run in this thread or in the index thread. */
type Ranking = Pick<CollaboratorsService, 'computeForResearcher' | 'suggestForText' | 'refreshCached'>;

/**
 * Suggested collaborators as the API and the digests ask for them: answered from the precomputed
 * cache when it may answer (cacheCanAnswer), ranked by the collaborators service otherwise. It runs
 * where the request is, so a cached list costs one Redis read and never waits for the index thread.
 */
export class CachedCollaborators {
  private readonly cacheResults = { hit: 0, miss: 0 };

  constructor(
    private readonly deps: {
      cache: JsonStore<CachedSuggestions>;
      models: Pick<StoredRankingModels, 'version' | 'forget'>;
      ranking: Ranking;
    },
  ) {}

  async suggestForResearcher(id: string, options: CollaboratorOptions): Promise<SuggestionResult> {
    const [cached, remembered] = await Promise.all([this.deps.cache.get(id), this.deps.models.version()]);
    let modelVersion = remembered;
    if (cached && cached.modelVersion !== remembered) {
      // The list may be newer than the models this process last read (a worker learned new ones and
      // cached it with them): look at the models in use before calling it stale.
      this.deps.models.forget();
      modelVersion = await this.deps.models.version();
    }
    if (cacheCanAnswer(options, cached, modelVersion)) {
      this.cacheResults.hit += 1;
      return { ...cached, items: cached.items.slice(0, options.limit) };
    }
    this.cacheResults.miss += 1;
    return this.deps.ranking.computeForResearcher(id, options);
  }

  suggestForText(...args: Parameters<Ranking['suggestForText']>): ReturnType<Ranking['suggestForText']> {
    return this.deps.ranking.suggestForText(...args);
  }

  refreshCached(id: string): ReturnType<Ranking['refreshCached']> {
    return this.deps.ranking.refreshCached(id);
  }

  /** How often requests for suggestions were answered from the cache since the process started. */
  async cacheStats(): Promise<{ hit: number; miss: number }> {
    return { ...this.cacheResults };
  }
}
