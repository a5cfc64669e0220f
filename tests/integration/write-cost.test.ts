import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const sample = readSample();

beforeAll(async () => {
  t = await startTestApp('write-cost', { MAX_AUTHORS_PER_PAPER: '500' });
});
afterAll(() => stopTestApp(t));

function paperWithAuthors(count: number, abstract: string) {
  return {
    ...sample[0]!,
    id: 'hyperauthored-1',
    abstract,
    authors: Array.from({ length: count }, (_, i) => ({ id: `many-${i}`, name: `Author Number ${i}` })),
  };
}

/** The slowest PING answer from another thread while `work` runs: how long Redis was busy. */
async function slowestPingWhile<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number }> {
  const probe = new Worker(new URL('../helpers/redis-latency-probe.mjs', import.meta.url), {
    workerData: { url: t.config.redisUrl },
  });
  await once(probe, 'message');
  const result = await work();
  probe.postMessage('stop');
  const [{ slowestMs }] = await once(probe, 'message');
  await probe.terminate();
  return { result, slowestMs };
}

describe('the cost of one paper write', () => {
  it('when a 500-author paper is stored and then updated, then each write takes well under a second and Redis keeps answering others', async () => {
    const post = (abstract: string) =>
      t.app.inject({ method: 'POST', url: '/v1/papers', payload: paperWithAuthors(500, abstract) });
    const created = await slowestPingWhile(() => post(sample[1]!.abstract));
    expect(created.result.statusCode).toBe(200);

    // The write itself (embedding the new text and the one Redis script), without this process's
    // own index catching up afterwards, which is CPU work that other test files share the cores with.
    let writeMs = 0;
    const updated = await slowestPingWhile(async () => {
      const started = performance.now();
      const results = await t.container.services.papers.store([paperWithAuthors(500, sample[2]!.abstract)]);
      writeMs = performance.now() - started;
      return results;
    });
    expect(updated.result[0]!.status).toBe('updated');
    expect(writeMs).toBeLessThan(1000);
    expect(created.slowestMs).toBeLessThan(100);
    expect(updated.slowestMs).toBeLessThan(100);

    // Authorship is intact: every author lists the paper, and co-authors are counted from it.
    const profile = (await t.app.inject({ url: '/v1/researchers/many-7' })).json();
    expect(profile.counts).toMatchObject({ papers: 1, coauthors: 499 });
  });

  it('when a paper lists more authors than MAX_AUTHORS_PER_PAPER, then it is refused with 422 and nothing is stored', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paperWithAuthors(501, sample[3]!.abstract), id: 'hyperauthored-2' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({
      code: 'unprocessable',
      details: { paperIds: ['hyperauthored-2'], max: 500 },
    });
    expect(response.json().error.message).toContain('MAX_AUTHORS_PER_PAPER');
    expect((await t.app.inject({ url: '/v1/papers/hyperauthored-2' })).statusCode).toBe(404);
  });
});
