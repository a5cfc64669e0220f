import { Redis } from 'ioredis';

/**
 * A Redis connection. Connections used by BullMQ workers or blocking reads need
 * `maxRetriesPerRequest: null`, so commands wait for a reconnect instead of failing.
 */
export function createRedis(url: string, options: { blocking?: boolean; name?: string } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 20,
    enableAutoPipelining: !options.blocking,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; commands that fail meanwhile reject with their own errors, so the
  // connection-level event only needs a listener (without one ioredis prints every reconnect attempt).
  redis.on('error', () => undefined);
  return redis;
}

export type { Redis };
