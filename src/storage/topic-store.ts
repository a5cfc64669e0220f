import type { Keys } from './keys.ts';
import type { Redis } from './redis.ts';

/** A researcher's ranked profile topics and the papers (newest first) they were drawn from. */
export type StoredTopics = { phrases: string[]; paperIds: string[]; rankedAt: string };

/** Profile topics ranked by the worker, read by profile pages. */
export class TopicStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async get(id: string): Promise<StoredTopics | null> {
    const json = await this.redis.get(this.keys.topics(id));
    return json ? (JSON.parse(json) as StoredTopics) : null;
  }

  async set(id: string, topics: StoredTopics): Promise<void> {
    await this.redis.set(this.keys.topics(id), JSON.stringify(topics));
  }
}
