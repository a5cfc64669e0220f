import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEntryPoint } from '../../scripts/lib/child-process.ts';
import { paperPhrases } from '../../src/recommend/key-phrases.ts';
import { CHANGE_PARTITIONS } from '../../src/storage/keys.ts';
import { prepareClaimedStore, researchersByPaperCount } from '../helpers/digest-store.ts';
import { freePort, startWorker, stopProcess, waitFor } from '../helpers/processes.ts';
import { RedisClusterProcesses } from '../helpers/redis-cluster.ts';
import {
  readSample,
  SAMPLE_FILE,
  startTestApp,
  stopTestApp,
  type TestApp,
  testEnvironment,
} from '../helpers/test-env.ts';

/**
 * PeerScout on a real 3-master Redis Cluster answers as it does on one Redis server: the same store,
 * written through the same code, gives the same similar papers and suggestions; the papers spread
 * over the masters; an importer killed half-way and run again leaves a whole store; two API
 * processes and two workers share one store, and a worker killed mid-digest loses nothing.
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

/** Inboxes of the single-Redis digest run: what every cluster run must write too. */
let referenceInboxes: string[][] = [];
const claimed = researchersByPaperCount(sample).slice(0, 8);

beforeAll(async () => {
  // wink-nlp tags a word differently once it has read more text, so a process's first pass over the
  // papers can phrase a paper unlike later passes (a known issue of the phrase extraction, see the
  // closing note of issue 12): both stores below are written after one pass, and phrase alike.
  for (const paper of sample) paperPhrases(paper);
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
    referenceInboxes = inboxes[1]!;
  });

  it('spreads the papers over every master, and each researcher with their own sets', async () => {
    const prefix = onCluster.config.keyPrefix;
    const papers = await cluster.keysPerMaster(`{${prefix}:p:*}:paper`);
    const researchers = await cluster.keysPerMaster(`{${prefix}:r:*}:researcher`);
    const all = await cluster.keysPerMaster(`{${prefix}*`);
    console.log('keys per master (port: papers / researchers / all keys):');
    for (const port of cluster.ports)
      console.log(`  ${port}: ${papers.get(port)} / ${researchers.get(port)} / ${all.get(port)}`);
    expect([...papers.values()].reduce((a, b) => a + b, 0)).toBe(sample.length);
    for (const count of papers.values()) {
      expect(count / sample.length).toBeGreaterThanOrEqual(0.2);
      expect(count / sample.length).toBeLessThanOrEqual(0.5);
    }
    for (const count of researchers.values()) expect(count).toBeGreaterThan(0);
  });

  it('when the importer is killed half-way and run again, every paper is whole and indexed', async () => {
    const env = testEnvironment('cluster-import', { REDIS_URL: cluster.url, LOG_LEVEL: 'warn' });
    const store = await startTestApp('cluster-import-check', {
      REDIS_URL: cluster.url,
      KEY_PREFIX: env.KEY_PREFIX!,
    });
    cleanups.push(() => stopTestApp(store));
    const { redis, keys, repositories } = store.container;
    // Each importer's stderr is kept, so that a failure says what the process said before it ended.
    const stderr = new Map<ChildProcess, string[]>();
    const importer = (): ChildProcess => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'scripts/import.ts', SAMPLE_FILE, '--batch-size', '4'],
        { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const said: string[] = [];
      stderr.set(child, said);
      child.stderr!.on('data', (chunk: Buffer) => said.push(chunk.toString()));
      return child;
    };
    const first = importer();
    const exited = new Promise((resolve) => first.once('exit', resolve));
    await waitFor(async () => (await redis.zcard(keys.papers())) >= 120, 120_000, 'a quarter of the papers');
    first.kill('SIGKILL');
    await exited;
    const atKill = await redis.zcard(keys.papers());
    console.log(`importer killed with ${atKill} of ${sample.length} papers in the catalogue`);
    expect(atKill).toBeLessThan(sample.length);

    const second = importer();
    const ended = await new Promise((resolve) =>
      second.once('exit', (code, signal) => resolve({ code, signal })),
    );
    expect(ended, `the second importer said: ${stderr.get(second)!.join('').slice(-3000)}`).toEqual({
      code: 0,
      signal: null,
    });
    // What the killed importer was projecting is finished by its next writer or by the reconcile
    // step (a worker runs it on a schedule; here it runs once, at once).
    await repositories.papers.reconcile(0);
    const ids = sample.map((paper) => paper.id);
    expect(await redis.zcard(keys.papers())).toBe(sample.length);
    const records = await Promise.all(ids.map((id) => redis.hmget(keys.paper(id), 'vector', 'dirty')));
    expect(records.filter(([vector, dirty]) => !vector || dirty)).toEqual([]);
    const unlinked = (
      await Promise.all(
        sample.flatMap((paper) =>
          paper.authors.map(async (author) =>
            (await redis.zscore(keys.researcherPapers(author.id), paper.id)) === null
              ? [`${author.id} ${paper.id}`]
              : [],
          ),
        ),
      )
    ).flat();
    expect(unlinked).toEqual([]);
    const authors = [...new Set(sample.flatMap((paper) => paper.authors.map((a) => a.id)))];
    expect((await repositories.researchers.getMany(authors)).filter((r) => r === null)).toEqual([]);
    expect(await redis.zcard(keys.researchers())).toBe(authors.length);
    const pending = await Promise.all(
      Array.from({ length: CHANGE_PARTITIONS }, (_, k) => redis.hlen(keys.pendingPapers(k))),
    );
    expect(pending.every((n) => n === 0)).toBe(true);
    // A fresh index built from this store holds every paper, once.
    await store.container.paperIndex.rebuild();
    expect(store.container.paperIndex.index.size).toBe(sample.length);
  });

  it('two API processes and two workers share the store; killing a worker mid-digest loses nothing', async () => {
    const { env, container } = await prepareClaimedStore('cluster-multi', sample, claimed, cleanups, {
      REDIS_URL: cluster.url,
    });
    const apis: { url: string; child: ChildProcess }[] = [];
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const child = await startEntryPoint(
        'src/server.ts',
        { ...env, PORT: String(port), LOG_LEVEL: 'info' },
        'Server listening',
      );
      child.stdout!.resume();
      child.stderr!.resume();
      cleanups.push(() => stopProcess(child));
      apis.push({ url: `http://127.0.0.1:${port}`, child });
    }
    // A paper ingested through one API is found by the other, in its own index.
    const original = sample[7]!;
    const copy = {
      ...original,
      id: 'cluster-copy-1',
      title: `${original.title}: a replication`,
      abstract: `We replicate the following study. ${original.abstract}`,
      authors: [{ id: 'cluster-newcomer', name: 'Ada Newcomer' }],
    };
    const posted = await fetch(`${apis[0]!.url}/v1/papers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ papers: [copy] }),
    });
    expect(posted.status).toBe(200);
    await waitFor(
      async () => {
        const response = await fetch(`${apis[1]!.url}/v1/papers/${original.id}/similar?limit=5`);
        const body = (await response.json()) as { items?: { paper: { id: string } }[] };
        return (body.items ?? []).some((item) => item.paper.id === copy.id);
      },
      20_000,
      'the other API to find the new paper among similar papers',
    );

    // Two workers run one digest; one of them is killed while the run is under way.
    const workers = [await startWorker(env), await startWorker(env)];
    for (const worker of workers) cleanups.push(() => stopProcess(worker));
    await container.queues.add('invitation-digest-run', { period: PERIOD });
    const queue = container.queues.queue('invitations');
    await waitFor(
      async () => ((await queue.getJobCounts('completed')).completed ?? 0) > 0,
      60_000,
      'a first proposal',
    );
    await stopProcess(workers[0]!, 'SIGKILL');
    const complete = async () =>
      (await container.repositories.invitations.digestsComplete(PERIOD, claimed)).every(Boolean);
    expect(await complete()).toBe(false); // the kill came in the middle of the run
    await waitFor(complete, 120_000, 'every digest of the run, by the surviving worker');
    const received = await Promise.all(
      claimed.map((id) => container.repositories.invitations.periodCandidates(id, PERIOD)),
    );
    expect(received.map((candidates) => [...candidates].sort())).toEqual(referenceInboxes);
    // Each invitation exactly once: one record per inbox entry, no entry without its record.
    const inboxes = await Promise.all(
      claimed.map((id) => container.repositories.invitations.list(id, 'inbox')),
    );
    const invitationIds = inboxes.flat().map((invitation) => invitation.id);
    expect(new Set(invitationIds).size).toBe(invitationIds.length);
    expect(invitationIds.length).toBe(referenceInboxes.flat().length);
  });
});
