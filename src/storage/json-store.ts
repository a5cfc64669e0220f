import type { Redis } from './redis.ts';

/**
 * JSON values of one kind, one per researcher (precomputed suggestions, ranked profile topics), each
 * under the key `keyOf` names, expiring after `ttlSeconds` when given.
 */
export class JsonStore<T> {
  constructor(
    private readonly redis: Redis,
    private readonly keyOf: (id: string) => string,
    private readonly ttlSeconds?: number,
  ) {}

  async get(id: string): Promise<T | null> {
    const json = await this.redis.get(this.keyOf(id));
    return json ? (JSON.parse(json) as T) : null;
  }

  async set(id: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    if (this.ttlSeconds === undefined) await this.redis.set(this.keyOf(id), json);
    else await this.redis.set(this.keyOf(id), json, 'EX', this.ttlSeconds);
  }

  async forget(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.unlink(...ids.map((id) => this.keyOf(id)));
  }
}
