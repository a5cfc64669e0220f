import type { Keys } from './keys.ts';
import type { Redis } from './redis.ts';

/** Precomputed suggestions of a researcher (written by the refresh-suggestions job). */
export class SuggestionCache<T> {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
  ) {}

  async get(id: string): Promise<T | null> {
    const json = await this.redis.get(this.keys.suggestionsCache(id));
    return json ? (JSON.parse(json) as T) : null;
  }

  async set(id: string, value: T): Promise<void> {
    await this.redis.set(this.keys.suggestionsCache(id), JSON.stringify(value), 'EX', this.ttlSeconds);
  }

  async forget(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.unlink(...ids.map((id) => this.keys.suggestionsCache(id)));
  }
}
