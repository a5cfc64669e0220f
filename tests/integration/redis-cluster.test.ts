import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareClaimedStore, researchersByPaperCount } from '../helpers/digest-store.ts';
import { startWorker, stopProcess, waitFor } from '../helpers/processes.ts';
import { RedisClusterProcesses } from '../helpers/redis-cluster.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/**
 * PeerScout on a real 3-master Redis Cluster answers as it does on one Redis server: the same store,
 * written through the same code, gives the same similar papers and suggestions.
 */
const sample = readSample();
const PERIOD = '2026-W30';
const cleanups: (() => Promise<unknown>)[] = [];
const cluster = new RedisClusterProcesses(3);
let onCluster: TestApp;
let onSingle: TestApp;

/** An answer without the times it was written or computed at (two stores, written a moment apart). */
async function answers(t: TestApp, url: string): Promise<unknown> {
  const response = await t.app.inject({ url });
  expect(response.statusCode, url).toBe(200);
  const times = new Set(['createdAt', 'updatedAt', 'computedAt']);
  return JSON.parse(response.body, (key, value) => (times.has(key) ? undefined : value));
}

beforeAll(async () => {
  await cluster.start();
  onCluster = await startTestApp('cluster', { REDIS_URL: cluster.url });
  onSingle = await startTestApp('cluster-single');
  for (const t of [onCluster, onSingle]) {
    await t.container.services.papers.store(sample);
    await t.container.paperIndex.catchUp();
  }
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await stopTestApp(onCluster);
  await stopTestApp(onSingle);
  await cluster.stop();
});

describe('on a Redis Cluster', () => {
  it('stores every paper and answers similar papers and suggestions as a single Redis does', async () => {
    const count = async (t: TestApp) => (await t.app.inject({ url: '/v1/papers?limit=1' })).json().page.total;
    expect(await count(onCluster)).toBe(sample.length);
    for (const paper of sample.slice(0, 5)) {
      const url = `/v1/papers/${paper.id}/similar?limit=10`;
      expect(await answers(onCluster, url)).toEqual(await answers(onSingle, url));
    }
    for (const id of researchersByPaperCount(sample).slice(0, 3)) {
      for (const url of [`/v1/researchers/${id}`, `/v1/researchers/${id}/collaborators?limit=10`]) {
        expect(await answers(onCluster, url)).toEqual(await answers(onSingle, url));
      }
    }
  });

  it('runs the digest in a worker process through BullMQ and fills the same inboxes', async () => {
    const claimed = researchersByPaperCount(sample).slice(0, 8);
    const inboxes: string[][][] = [];
    for (const [name, extra] of [
      ['cluster-digest', { REDIS_URL: cluster.url }],
      ['cluster-digest-single', {}],
    ] as const) {
      const { env, container } = await prepareClaimedStore(name, sample, claimed, cleanups, extra);
      const worker = await startWorker(env);
      cleanups.push(() => stopProcess(worker));
      await container.queues.add('invitation-digest-run', { period: PERIOD });
      const complete = async () =>
        (await container.repositories.invitations.digestsComplete(PERIOD, claimed)).every(Boolean);
      await waitFor(complete, 120_000, `every digest of the run (${name})`);
      const received = await Promise.all(
        claimed.map((id) => container.repositories.invitations.periodCandidates(id, PERIOD)),
      );
      // Who is in each inbox: a set's members come back in no particular order.
      inboxes.push(received.map((candidates) => [...candidates].sort()));
      await stopProcess(worker);
    }
    expect(inboxes[0]!.flat().length).toBeGreaterThan(0);
    expect(inboxes[0]).toEqual(inboxes[1]);
  });

  it('reports where the paper keys live (today one slot: the per-entity hashtags are still to come)', async () => {
    const perMaster = await cluster.keysPerMaster(`{${onCluster.config.keyPrefix}}*`);
    console.log('keys per master:', Object.fromEntries(perMaster));
    const total = [...perMaster.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(sample.length);
    expect([...perMaster.values()].filter((n) => n > 0)).toHaveLength(1);
  });
});
