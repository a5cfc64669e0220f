import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuePrefix } from '../../src/jobs/queues.ts';
import { createRedis } from '../../src/storage/redis.ts';
import { startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('suggestion-refresh', { REFRESH_DEBOUNCE_MS: '0' });
});
afterAll(() => stopTestApp(t));

describe('suggestion refresh queue', () => {
  it("when a researcher's refresh is asked for while an import's refreshes wait, then it runs first, also when the import had queued one for them", async () => {
    const { refresh } = t.container.services;
    const imported = ['imported-a', 'imported-b', 'imported-c', 'imported-d'];
    await refresh.request(imported, 'papers');
    await refresh.request(['asked-on-demand'], 'on-demand');
    await refresh.request(['edited-profile'], 'profile');
    // Already waiting behind the import: asking for it moves it ahead, it is not folded into the wait.
    await refresh.request(['imported-c'], 'on-demand');
    const order: string[] = [];
    const worker = new Worker(
      'suggestions',
      async (job) => {
        order.push(job.data.researcherId);
      },
      {
        connection: createRedis(t.config.redisUrl, { blocking: true }),
        prefix: queuePrefix(t.config.keyPrefix),
        concurrency: 1,
      },
    );
    try {
      const deadline = Date.now() + 15_000;
      while (order.length < imported.length + 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await worker.close();
    }
    expect(order).toEqual([
      'asked-on-demand',
      'edited-profile',
      'imported-c',
      'imported-a',
      'imported-b',
      'imported-d',
    ]);
  });
});
