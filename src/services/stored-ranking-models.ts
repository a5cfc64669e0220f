import { LIST_VERSION } from '../recommend/collaborator-ranking.ts';
import { RANKER_VERSION, type TrainedRankers } from '../recommend/training.ts';
import type { RankerRepository } from '../storage/ranker-repository.ts';

export type RankerModels = TrainedRankers & {
  /** How many papers the store held when they were trained (absent in models saved before it was kept). */
  storedPapers?: number;
};

/** How long a process keeps the models it read before it looks for newer ones. */
const MODELS_CACHE_MS = 60_000;

/**
 * The name of the ranking a list was made with: the learned models' identity, or the classic order,
 * and the version of the way lists are made from scores.
 */
export function modelVersionOf(models: RankerModels | null): string {
  const scores = models
    ? `${models.graph.version}@${models.graph.trainedAt}`
    : `classic-order@${RANKER_VERSION}`;
  return `${scores}+${LIST_VERSION}`;
}

/**
 * The ranking models in use, as stored, read again at most once a minute: every process (and thread)
 * that ranks or answers from the suggestion cache asks this.
 */
export class StoredRankingModels {
  private cached: { value: RankerModels | null; loadedAt: number } | null = null;

  constructor(private readonly rankers: RankerRepository<RankerModels>) {}

  async current(): Promise<RankerModels | null> {
    if (!this.cached || Date.now() - this.cached.loadedAt > MODELS_CACHE_MS) {
      const stored = await this.rankers.get();
      // Models of another ranker version were trained on other features: not usable.
      this.cached = {
        value: stored?.graph?.version === RANKER_VERSION ? stored : null,
        loadedAt: Date.now(),
      };
    }
    return this.cached.value;
  }

  async version(): Promise<string> {
    return modelVersionOf(await this.current());
  }

  /** Saves new models; this process uses them at once. */
  async save(models: RankerModels): Promise<void> {
    await this.rankers.save(models);
    this.cached = { value: models, loadedAt: Date.now() };
  }

  /** The next read goes to Redis. */
  forget(): void {
    this.cached = null;
  }
}
