import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startEntryPoint } from '../../scripts/lib/child-process.ts';
import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import { createLogger } from '../../src/logger.ts';
import { researchersByPaperCount } from '../helpers/digest-store.ts';
import { freePort, PrivateRedis, startWorker, stopProcess, waitFor } from '../helpers/processes.ts';
import {
  cleanUp,
  readSample,
  startTestApp,
  stopTestApp,
  type TestApp,
  testEnvironment,
} from '../helpers/test-env.ts';

const sample = readSample();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('when Redis is unreachable', () => {
  it('then requests get 503 in the error shape within about a second, /readyz at once, and both recover by themselves', async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.remove());
    const t: TestApp = await startTestApp('resilience-redis', { REDIS_URL: redis.url });
    cleanups.push(() => stopTestApp(t));
    await t.container.services.papers.ingest(sample.slice(0, 5));
    const paperUrl = `/v1/papers/${sample[0]!.id}`;
    expect((await t.app.inject({ url: paperUrl })).statusCode).toBe(200);

    await redis.stop('SIGKILL');
    for (const url of [
      paperUrl,
      `/v1/papers/${sample[1]!.id}/similar`,
      `/v1/researchers/${sample[0]!.authors[0]!.id}`,
    ]) {
      const { result, ms } = await timed(() => t.app.inject({ url }));
      expect(result.statusCode, url).toBe(503);
      expect(result.json().error).toMatchObject({ code: 'store_unavailable', message: expect.any(String) });
      expect(result.headers['retry-after']).toBe('1');
      expect(ms, url).toBeLessThan(2500);
    }
    const ready = await timed(() => t.app.inject({ url: '/readyz' }));
    expect(ready.result.statusCode).toBe(503);
    expect(ready.result.json()).toMatchObject({ ready: false, checks: { redis: false } });
    expect(ready.ms).toBeLessThan(1000);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await redis.start();
    await waitFor(async () => (await t.app.inject({ url: paperUrl })).statusCode === 200, 10_000, 'recovery');
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('when Redis is down or hangs while the API and a worker start', () => {
  it('then both wait for it instead of exiting, and serve once it answers', async () => {
    const redis = new PrivateRedis(await freePort());
    cleanups.push(() => redis.remove());
    const env = testEnvironment('resilience-start', { REDIS_URL: redis.url, LOG_LEVEL: 'info' });
    cleanups.push(() => cleanUp(loadConfig(env)));
    const port = await freePort();
    const starting = (entry: string, readyText: string, extra: Record<string, string> = {}) =>
      startEntryPoint(entry, { ...env, ...extra }, readyText).then((child) => {
        child.stdout!.resume();
        child.stderr!.resume();
        cleanups.push(() => stopProcess(child));
        return child;
      });

    // Down: nothing listens on the port while both start.
    const api = starting('src/server.ts', 'Server listening', { PORT: String(port) });
    const worker = starting('workers/index.ts', 'workers started');
    await new Promise((r) => setTimeout(r, 4000));
    await redis.start();
    await Promise.all([api, worker]);
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      20_000,
      'the API to be ready',
    );

    // Hung: the server accepts connections and answers nothing (longer than the command timeout).
    redis.pause();
    const second = starting('workers/index.ts', 'workers started');
    await new Promise((r) => setTimeout(r, 5000));
    redis.resume();
    await second;
    // The processes that were already running rode it out too.
    expect((await api).exitCode).toBeNull();
    expect((await worker).exitCode).toBeNull();
    await waitFor(
      async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200,
      20_000,
      'the API to be ready again',
    );
  });
});

describe('when Redis goes away while the paper index rebuilds', () => {
  it('then the half-built index is not saved as a snapshot, and the next pass rebuilds it whole', async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.remove());
    const t: TestApp = await startTestApp('resilience-rebuild', { REDIS_URL: redis.url });
    cleanups.push(() => stopTestApp(t));
    const papers = sample.slice(0, 40);
    await t.container.services.papers.store(papers);
    const { paperIndex } = t.container;
    expect(await paperIndex.catchUp()).toBeGreaterThan(0);
    expect(paperIndex.index.size).toBe(papers.length);

    await redis.stop('SIGKILL');
    await expect(paperIndex.rebuild()).rejects.toThrow();
    // The snapshot on disk stays the last whole one.
    await paperIndex.save();
    await redis.start();
    await paperIndex.catchUp();
    expect(paperIndex.index.size).toBe(papers.length);

    const reopened = createContainer(t.config, createLogger('warn', 'reopened'));
    cleanups.push(() => reopened.close());
    await reopened.start({ backgroundSync: false });
    expect(reopened.paperIndex.index.size).toBe(papers.length);
  });
});

describe('when Redis goes away while the API and a worker run a digest', () => {
  it('then the API answers 503 and both report not ready, both recover by themselves, and the digest ends with nothing lost or doubled', async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.remove());
    const healthPort = await freePort();
    const t: TestApp = await startTestApp(
      'resilience-both',
      {
        REDIS_URL: redis.url,
        INVITATIONS_PER_DIGEST: '3',
        WORKER_HEALTH_PORT: String(healthPort),
        HOST: '127.0.0.1',
      },
      { threads: true },
    );
    cleanups.push(() => stopTestApp(t));
    await t.container.services.papers.store(sample);
    await t.container.services.papers.indexStats(); // the index thread applies the import
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const claimed = researchersByPaperCount(sample).slice(0, 30);
    for (const id of claimed) {
      await t.container.repositories.researchers.claim(id, `account-${id}`);
      await t.container.repositories.researchers.updateProfile(id, { openToCollaborate: true });
    }
    const worker = await startWorker(t.env);
    cleanups.push(() => stopProcess(worker));
    // The worker learns the ranking models at start; the digest runs on them (a ranking that changed
    // mid-run would make "a re-run writes nothing" untrue).
    await waitFor(async () => (await t.container.repositories.rankers.get()) !== null, 120_000, 'the models');
    const workerReady = async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).status;
    expect(await workerReady()).toBe(200);
    const period = '2026-W40';
    await t.container.queues.add('invitation-digest-run', { period });
    const written = async () =>
      (
        await Promise.all(
          claimed.map((id) => t.container.repositories.invitations.periodCandidates(id, period)),
        )
      ).flat().length;
    await waitFor(async () => (await written()) >= 5, 120_000, 'the first invitations');

    await redis.stop('SIGKILL');
    const during = await timed(() => t.app.inject({ url: `/v1/researchers/${claimed[0]}` }));
    expect(during.result.statusCode).toBe(503);
    expect(during.ms).toBeLessThan(2500);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    expect(await workerReady()).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 3000));

    await redis.start();
    await waitFor(async () => (await t.app.inject({ url: '/readyz' })).statusCode === 200, 20_000, 'the API');
    await waitFor(async () => (await workerReady()) === 200, 20_000, 'the worker');
    await waitFor(
      async () =>
        (await t.container.repositories.invitations.digestsComplete(period, claimed)).every(Boolean),
      180_000,
      'every digest',
    );
    await stopProcess(worker);
    // Nothing doubled: at most 3 per recipient and never one (recipient, candidate) twice; nothing lost:
    // running every digest again writes nothing.
    for (const id of claimed) {
      const inbox = (await t.container.repositories.invitations.list(id, 'inbox')).filter(
        (i) => i.period === period,
      );
      expect(inbox.length).toBeLessThanOrEqual(3);
      expect(new Set(inbox.map((i) => i.candidate)).size).toBe(inbox.length);
      expect((await t.container.services.invitations.digest(id, period)).created).toEqual([]);
    }
    expect(await written()).toBeGreaterThan(claimed.length);
    // Its own waits (the models, the recovery, every digest) add up to more than the suite's default.
  }, 420_000);
});

describe('slow and incomplete requests', () => {
  it('when a client announces more body than it sends, then the server answers 408 or closes within the request timeout', async () => {
    const t: TestApp = await startTestApp('resilience-timeout', { REQUEST_TIMEOUT_MS: '1000' });
    cleanups.push(() => stopTestApp(t));
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as net.AddressInfo;
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/papers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":',
        );
      });
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server held the connection open'));
      }, 10_000).unref();
    });
    const ms = performance.now() - started;
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(ms).toBeLessThan(5000);
    // Other clients are served meanwhile and after.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
