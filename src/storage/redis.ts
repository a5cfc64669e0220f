import { setTimeout as sleep } from 'node:timers/promises';
import { type ChainableCommander, Cluster, type Command, Redis as SingleRedis } from 'ioredis';
import { redisTarget } from '../config.ts';
import type { Logger } from '../logger.ts';

/** How long a non-blocking command may wait for Redis before it fails (REDIS_COMMAND_TIMEOUT_MS). */
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
/** Reconnect attempts back off to at most this; a command queued while Redis is down fails after one. */
const MAX_RECONNECT_DELAY_MS = 1000;

/**
 * A connection that sends every command of one tick in one socket write, without auto-pipelining's
 * pipeline objects: the first command of a tick corks the socket and the tick's end uncorks it, so
 * the commands queued meanwhile go out in one writev. Sent one write each, the ten paper reads of a
 * similar-papers answer were ten system calls, and the sixteen change-stream reads of every catch-up
 * of the index thread sixteen more: under load on the 2-core build machine, those writes were a fifth
 * to a third of the API thread's CPU profile and half of the index thread's (docs/BENCHMARKS.md).
 */
class CoalescingRedis extends SingleRedis {
  private corked = false;

  override sendCommand(command: Command, stream?: Parameters<SingleRedis['sendCommand']>[1]): unknown {
    const socket = this.stream;
    if (!stream && !this.corked && socket?.writable) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    return super.sendCommand(command, stream);
  }
}

/** A connection to one Redis server or to a Redis Cluster; the code above storage uses either alike. */
export type Redis = SingleRedis | Cluster;

/**
 * A Redis connection. Connections used by BullMQ workers or blocking reads need
 * `maxRetriesPerRequest: null`, so commands wait for a reconnect instead of failing. Every other
 * connection fails fast while Redis is unreachable (one reconnect attempt, at most a second apart)
 * or hangs (the command timeout), so callers answer "unavailable" at once rather than after a minute.
 * The commands of one tick go out in one write: by auto-pipelining, or, where `autoPipelining` is
 * false, on one server by corking the socket for the tick (CoalescingRedis; a cluster's node
 * connections are ioredis's own and send each command as it comes).
 * Threads that serve requests go without auto-pipelining: ioredis builds a pipeline object for every
 * tick's batch and copies each script defined on the connection onto it, and in the API those objects
 * outlived the young generation (V8 allocated them in the old one), so every scavenge kept what they
 * pointed to: ≈ 10 MB promoted and 8–10 ms paused each time, a mark-compact every few seconds. On the
 * 58k-paper store without it: GET one paper under 10 connections 8.3–9.8k req/s, p99 2–3 ms, against
 * 6.9–7.5k, p99 7–8 ms (similar-by-id p99 17–18 against 22–23 ms); one at a time, cached suggestions
 * p99 4.5–4.8 against 5.2–6.4 ms (docs/BENCHMARKS.md, fourteenth session).
 */
export function createRedis(
  url: string,
  options: { blocking?: boolean; name?: string; commandTimeoutMs?: number; autoPipelining?: boolean } = {},
): Redis {
  const target = redisTarget(url);
  const enableAutoPipelining = !options.blocking && options.autoPipelining !== false;
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
          enableAutoPipelining,
          // Reads go to masters: a replica may not have a write the same request just made.
          scaleReads: 'master',
          lazyConnect: false,
        })
      : new (enableAutoPipelining || options.blocking ? SingleRedis : CoalescingRedis)(target.url, {
          ...connection,
          retryStrategy,
          enableAutoPipelining,
          lazyConnect: false,
        });
  // ioredis reconnects by itself; commands that fail meanwhile reject with their own errors, so the
  // connection-level event only needs a listener (without one ioredis prints every reconnect attempt).
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Sends one command per item and returns the replies in order; the first command error is thrown.
 * The repeated read pattern of the repositories. Each command goes to the client itself, which sends
 * every command of its tick in one write (see createRedis for where a cluster does not): an explicit
 * ioredis pipeline would cost more to build (it copies every defined script onto itself) than the few
 * commands it carries, on every read of every request. (Measured for the hundreds of reads of an
 * uncached ranking too: no less CPU; what the writes saved went to garbage collection.)
 */
export async function pipelined<T, R>(
  redis: Redis,
  items: readonly T[],
  command: (client: ChainableCommander, item: T) => unknown,
): Promise<R[]> {
  const client = redis as unknown as ChainableCommander;
  return Promise.all(items.map((item) => command(client, item) as Promise<R>));
}

// Messages too, not only names and codes: an error that crossed a thread boundary keeps only its message.
const UNAVAILABLE_MESSAGES = [
  'Command timed out',
  'Connection is closed',
  "Stream isn't writeable",
  'Reached the max retries per request limit',
];
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/** True for the errors ioredis gives while Redis cannot be reached or does not answer in time. */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (UNAVAILABLE_CODES.has((error as { code?: string }).code ?? '')) return true;
  return UNAVAILABLE_MESSAGES.some((message) => error.message.includes(message));
}

/** Retry delays of whenRedisAnswers: from a quarter second, doubling, to at most five seconds. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * Runs a step that needs Redis, and runs it again while Redis is unreachable or does not answer in
 * time (a Redis still starting, a failover, a command that timed out because this process was busy),
 * for at most `waitMs`; any other error, or the last one after `waitMs`, is thrown. For steps that are
 * safe to repeat: starting a process, or a background write that must not be dropped.
 */
export async function whenRedisAnswers<T>(
  step: string,
  run: () => Promise<T>,
  options: { logger: Logger; waitMs: number },
): Promise<T> {
  const deadline = Date.now() + options.waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isRedisUnavailable(error) || Date.now() >= deadline) throw error;
      const delayMs = Math.min(FIRST_RETRY_MS * 2 ** (attempt - 1), MAX_RETRY_MS, deadline - Date.now());
      options.logger.warn(
        { step, attempt, err: (error as Error).message, retryInMs: delayMs },
        'Redis does not answer; trying again',
      );
      await sleep(delayMs);
    }
  }
}
