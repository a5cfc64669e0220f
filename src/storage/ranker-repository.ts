import type { Keys } from './keys.ts';
import type { Redis } from './redis.ts';

/**
 * The learned ranking models, kept in Redis as one JSON document so every process ranks with the
 * same weights. What they hold (and which versions are usable) is the ranking-model service's concern.
 */
export class RankerRepository<T> {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(): Promise<T | null> {
    const json = await this.redis.get(this.keys.rankerModels());
    return json ? (JSON.parse(json) as T) : null;
  }

  async save(models: T): Promise<void> {
    await this.redis.set(this.keys.rankerModels(), JSON.stringify(models));
  }
}
