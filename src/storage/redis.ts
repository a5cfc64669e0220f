import { type ChainableCommander, Redis } from 'ioredis';

/** How long a non-blocking command may wait for Redis before it fails (REDIS_COMMAND_TIMEOUT_MS). */
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
/** Reconnect attempts back off to at most this; a command queued while Redis is down fails after one. */
const MAX_RECONNECT_DELAY_MS = 1000;

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
  const redis = new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: options.blocking ? null : 1,
    commandTimeout: options.blocking ? undefined : (options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS),
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    enableAutoPipelining: !options.blocking,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; commands that fail meanwhile reject with their own errors, so the
  // connection-level event only needs a listener (without one ioredis prints every reconnect attempt).
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Sends one command per item in a single pipeline and returns the replies in order; the first
 * command error is thrown. The repeated read pattern of the repositories.
 */
export async function pipelined<T, R>(
  redis: Redis,
  items: readonly T[],
  command: (pipeline: ChainableCommander, item: T) => void,
): Promise<R[]> {
  if (items.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const item of items) command(pipeline, item);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply as R;
  });
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

export type { Redis };
