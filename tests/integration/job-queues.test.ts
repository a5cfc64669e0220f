import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { JobQueues } from '../../src/jobs/queues.ts';
import { createLogger } from '../../src/logger.ts';
import { createRedis } from '../../src/storage/redis.ts';
import { cleanUp, testEnvironment } from '../helpers/test-env.ts';

const config = loadConfig(testEnvironment('job-queues'));
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await cleanUp(config);
});

/** Keeps this thread busy, as loading the model or an index snapshot does. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('job queues', () => {
  it('when the process is busy past the command timeout while the queues connect, then they still take jobs', async () => {
    const redis = createRedis(config.redisUrl, { commandTimeoutMs: 100 });
    cleanups.push(() => redis.quit());
    await redis.ping();
    const queues = new JobQueues(redis, config.keyPrefix, createLogger('silent'));
    cleanups.push(() => queues.close());
    // Their first commands are sent on the following microtasks; the replies wait behind the busy thread.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    busyFor(400);
    const job = await queues.add('reconcile-papers', {});
    expect(job.id).toBeTruthy();
    expect(await queues.queue('maintenance').getJobCounts('waiting')).toEqual({ waiting: 1 });
  });
});
