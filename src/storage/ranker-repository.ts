import type { RankerModel } from '../recommend/ranker.ts';
import { RANKER_VERSION } from '../recommend/training.ts';
import type { Keys } from './keys.ts';
import type { Redis } from './redis.ts';

export type RankerModels = {
  graph: RankerModel;
  topic: RankerModel;
  /** How many papers the store held when they were trained (absent in models saved before it was kept). */
  storedPapers?: number;
};

/** The learned ranking models, kept in Redis so every process ranks with the same weights. */
export class RankerRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** The stored models, or null when none were trained for this ranker version. */
  async get(): Promise<RankerModels | null> {
    const json = await this.redis.get(this.keys.rankerModels());
    if (!json) return null;
    const models = JSON.parse(json) as RankerModels;
    return models.graph?.version === RANKER_VERSION ? models : null;
  }

  async save(models: RankerModels): Promise<void> {
    await this.redis.set(this.keys.rankerModels(), JSON.stringify(models));
  }
}
