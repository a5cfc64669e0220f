import { type ChainableCommander, Cluster, Redis as SingleRedis } from 'ioredis';
import { redisTarget } from '../config.ts';

/** How long a non-blocking command may wait for Redis before it fails (REDIS_COMMAND_TIMEOUT_MS). */
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
/** Reconnect attempts back off to at most this; a command queued while Redis is down fails after one. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** A connection to one Redis server or to a Redis Cluster; the code above storage uses either alike. */
export type Redis = SingleRedis | Cluster;

/**
 * A Redis connection. Connections used by BullMQ workers or blocking reads need
 * `maxRetriesPerRequest: null`, so commands wait for a reconnect instead of failing. Every other
 * connection fails fast while Redis is unreachable (one reconnect attempt, at most a second apart)
 * or hangs (the command timeout), so callers answer "unavailable" at once rather than after a minute.
 */
export function createRedis(
  url: string,
  options: { blocking?: boolean; name?: string; commandTimeoutMs?: number } = {},
): Redis {
  const target = redisTarget(url);
  const retryStrategy = (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS);
  const connection = {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 1,
    commandTimeout: options.blocking ? undefined : (options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS),
    connectTimeout: 5000,
  };
  const redis: Redis =
    target.kind === 'cluster'
      ? new Cluster(target.nodes, {
          redisOptions: { ...connection, username: target.username, password: target.password },
          clusterRetryStrategy: retryStrategy,
          enableAutoPipelining: !options.blocking,
          // Reads go to masters: a replica may not have a write the same request just made.
          scaleReads: 'master',
          lazyConnect: false,
        })
      : new SingleRedis(target.url, {
          ...connection,
          retryStrategy,
          enableAutoPipelining: !options.blocking,
          lazyConnect: false,
        });
  // ioredis reconnects by itself; commands that fail meanwhile reject with their own errors, so the
  // connection-level event only needs a listener (without one ioredis prints every reconnect attempt).
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Sends one command per item and returns the replies in order; the first command error is thrown.
 * The repeated read pattern of the repositories. Each command goes to the client itself, whose
 * auto-pipelining sends every command of one tick in a single write per node (on a cluster, the node of
 * each key): an explicit ioredis pipeline would cost more to build (it copies every defined script
 * onto itself) than the few commands it carries, on every read of every request.
 */
export async function pipelined<T, R>(
  redis: Redis,
  items: readonly T[],
  command: (client: ChainableCommander, item: T) => unknown,
): Promise<R[]> {
  const client = redis as unknown as ChainableCommander;
  return Promise.all(items.map((item) => command(client, item) as Promise<R>));
}

const UNAVAILABLE_MESSAGES = ['Command timed out', 'Connection is closed', "Stream isn't writeable"];
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** True for the errors ioredis gives while Redis cannot be reached or does not answer in time. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (UNAVAILABLE_CODES.has((error as { code?: string }).code ?? '')) return true;
  return UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message));
}
