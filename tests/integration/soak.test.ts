import type { ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, stopProcess } from '../helpers/processes.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/** How long the mixed load runs (SOAK_SECONDS; 60 in the suite). */
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = 4;
const sample = readSample();
let t: TestApp;
let worker: ChildProcess | undefined;
let base = '';

beforeAll(async () => {
  // The API process's layout on a real port, with a real worker process beside it.
  t = await startTestApp('soak', {}, { threads: true });
  for (const papers of [sample.slice(0, 150), sample.slice(150, 300)]) {
    const stored = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: { papers } });
    expect(stored.statusCode).toBe(200);
  }
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as net.AddressInfo).port}`;
  worker = await startWorker(t.env);
});
afterAll(async () => {
  await stopProcess(worker);
  await stopTestApp(t);
});

const stored = sample.slice(0, 300);
const authorsOf = [...new Set(stored.flatMap((p) => p.authors.map((a) => a.id)))];
const pick = <T>(items: T[], n: number): T => items[n % items.length]!;

/** One request of the mix: reads, ingests, suggestions and inbox actions. */
async function oneRequest(n: number, nonce: string): Promise<number> {
  const researcher = pick(authorsOf, n * 7);
  const paper = pick(stored, n * 13);
  const json = { 'content-type': 'application/json' };
  let response: Response;
  switch (n % 8) {
    case 0:
      response = await fetch(`${base}/v1/papers/${paper.id}/similar?limit=5`);
      break;
    case 1:
      response = await fetch(`${base}/v1/researchers/${researcher}`);
      break;
    case 2:
      response = await fetch(
        `${base}/v1/researchers/${researcher}/collaborators?limit=5&novelty=${(n % 5) / 5}`,
      );
      break;
    case 3: {
      const fresh = { ...paper, id: `soak-${nonce}-${n}`, abstract: `${paper.abstract} (${nonce} ${n})` };
      response = await fetch(`${base}/v1/papers`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify(fresh),
      });
      break;
    }
    case 4:
      response = await fetch(`${base}/v1/papers/similar`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ abstract: `graph methods for ${nonce} ${n}`, limit: 5 }),
      });
      break;
    case 5:
      response = await fetch(`${base}/v1/researchers/${researcher}/invitations`);
      break;
    case 6:
      response = await fetch(`${base}/v1/researchers/${researcher}/refresh`, { method: 'POST' });
      break;
    default:
      response = await fetch(`${base}/v1/researchers/${researcher}/graph?depth=2&limit=30`);
  }
  await response.arrayBuffer();
  return response.status;
}

describe('soak', () => {
  it(`when ${SECONDS} s of mixed load run with a worker, then no request fails with 5xx, memory stays flat and the store stays consistent`, async () => {
    const nonce = `${Date.now()}`;
    // Warm up (model, caches, JIT) before the memory baseline.
    for (let n = 0; n < 16; n++) await oneRequest(n, nonce);
    global.gc?.();
    const rssStart = process.memoryUsage().rss;
    const statuses = new Map<number, number>();
    const deadline = Date.now() + SECONDS * 1000;
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(process.memoryUsage().rss), 5000);
    let next = 16;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const status = await oneRequest(next++, nonce);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }),
    );
    clearInterval(sampler);
    const rssEnd = process.memoryUsage().rss;
    // Steady state: from a third of the run on, memory may follow the data the load adds (new papers
    // and their cached vectors) but must not keep climbing.
    const rssSteady = rssSamples[Math.floor(rssSamples.length / 3)] ?? rssStart;
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `soak: ${total} requests in ${SECONDS} s, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ` +
        `RSS ${Math.round(rssStart / 2 ** 20)} MB → ${Math.round(rssEnd / 2 ** 20)} MB ` +
        `(every 5 s: ${rssSamples.map((r) => Math.round(r / 2 ** 20)).join(', ')})`,
    );
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    expect(total).toBeGreaterThan(SECONDS * 5);
    expect(rssEnd).toBeLessThan(rssSteady * 1.25);

    // Consistency: every stored paper has its vector, and the index holds exactly the stored papers.
    const papers = t.container.repositories.papers;
    const count = await papers.count();
    const ids = await papers.listIds(0, count);
    const vectors = await papers.vectors(ids);
    expect(vectors.filter((v) => v === null)).toEqual([]);
    const stats = await t.container.services.papers.indexStats();
    expect(stats.size).toBe(count);
  });
});
