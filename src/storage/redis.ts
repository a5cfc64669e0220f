import { Redis } from 'ioredis';

/**
 * A Redis connection. Connections used by BullMQ workers or blocking reads need
 * `maxRetriesPerRequest: null`, so commands wait for a reconnect instead of failing.
 */
export function createRedis(url: string, options: { blocking?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 20,
    enableAutoPipelining: !options.blocking,
    lazyConnect: false,
  });
}

export type { Redis };
