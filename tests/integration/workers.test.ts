import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { getPriority } from 'node:os';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Container } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { queuePrefix } from '../../src/jobs/queues.ts';
import { createRedis } from '../../src/storage/redis.ts';
import { prepareClaimedStore, researchersByPaperCount } from '../helpers/digest-store.ts';
import { freePort, PrivateRedis, startWorker, stopProcess, waitFor } from '../helpers/processes.ts';
import { readSample } from '../helpers/test-env.ts';

const sample = readSample();
const PERIOD = '2026-W20';
const RECIPIENTS = 40;
const claimed = researchersByPaperCount(sample).slice(0, RECIPIENTS);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** A store with the sample, where the most prolific researchers have claimed their records and are open. */
const prepareStore = (name: string, extra: Record<string, string> = {}) =>
  prepareClaimedStore(name, sample, claimed, cleanups, extra);

async function digestJobsDone(container: Container): Promise<boolean> {
  return (await container.repositories.invitations.digestsComplete(PERIOD, claimed)).every(Boolean);
}

/**
 * What a finished run must look like, whatever interrupted it. Each check can fail:
 * - every claimed researcher's digest is complete;
 * - invitations are counted per (recipient, candidate, period) from the invitation records themselves;
 * - nobody has more than N, nobody is suggested themselves or anyone not claimed and open;
 * - no pair is pending both ways;
 * - nothing is missing: running every digest again writes nothing new.
 */
async function expectExactRun(container: Container, config: Config): Promise<number> {
  expect(await digestJobsDone(container)).toBe(true);
  const redis = createRedis(config.redisUrl);
  const perTriple = new Map<string, number>();
  const perRecipient = new Map<string, number>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', container.keys.invitation('*'), 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const [recipient, candidate, period] = await redis.hmget(key, 'recipient', 'candidate', 'period');
        if (period !== PERIOD) continue;
        const triple = `${recipient}|${candidate}`;
        perTriple.set(triple, (perTriple.get(triple) ?? 0) + 1);
        perRecipient.set(recipient!, (perRecipient.get(recipient!) ?? 0) + 1);
        expect(candidate).not.toBe(recipient);
        expect(claimed).toContain(candidate);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  expect(Math.max(...perTriple.values())).toBe(1);
  expect(Math.max(...perRecipient.values())).toBeLessThanOrEqual(3);
  const bothWays = [...perTriple.keys()].filter((pair) => {
    const [a, b] = pair.split('|');
    return perTriple.has(`${b}|${a}`);
  });
  expect(bothWays).toEqual([]);
  for (const id of claimed) {
    const inbox = (await container.repositories.invitations.list(id, 'inbox')).filter(
      (i) => i.period === PERIOD,
    );
    expect(inbox).toHaveLength(perRecipient.get(id) ?? 0);
  }
  for (const id of claimed) {
    expect((await container.services.invitations.digest(id, PERIOD)).created).toEqual([]);
  }
  return perTriple.size;
}

describe('invitation digests through real worker processes', () => {
  it('when a run is not interrupted, then every claimed researcher gets at most N invitations of invitable people', async () => {
    const { env, config, container } = await prepareStore('workers-plain');
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    await container.queues.add('invitation-digest-run', { period: PERIOD });
    await waitFor(() => digestJobsDone(container), 180_000, 'all digests');
    await stopProcess(worker);
    expect(await expectExactRun(container, config)).toBeGreaterThan(RECIPIENTS);
  });

  it('when the worker is killed (SIGKILL) in the middle of a run and restarted, then nothing is missing or doubled', async () => {
    const { env, config, container } = await prepareStore('workers-killed');
    let worker: ChildProcess = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    const run = await container.queues.add('invitation-digest-run', { period: PERIOD });
    // Killed while the run's proposals are being made: nothing is written until all 40 are in.
    const proposals = () => container.redis.hlen(container.keys.digestProposals(PERIOD, run.id!));
    await waitFor(async () => (await proposals()) >= 10, 180_000, 'the first proposals');
    await stopProcess(worker, 'SIGKILL');
    expect(await proposals()).toBeLessThan(RECIPIENTS);
    expect(await digestJobsDone(container)).toBe(false);
    worker = await startWorker(env);
    await waitFor(() => digestJobsDone(container), 180_000, 'all digests after the restart');
    await stopProcess(worker);
    expect(await expectExactRun(container, config)).toBeGreaterThan(RECIPIENTS);
  });

  for (const outage of [
    { name: 'Redis restarts mid-run', signal: 'SIGTERM' as const, downMs: 1500 },
    { name: 'Redis crashes (kill -9, AOF) mid-run', signal: 'SIGKILL' as const, downMs: 1500 },
    { name: 'Redis is down for 30 seconds mid-run', signal: 'SIGTERM' as const, downMs: 30_000 },
  ]) {
    it(`when ${outage.name}, then the workers reconnect and the run completes exactly`, async () => {
      const redis = new PrivateRedis(await freePort());
      await redis.start();
      cleanups.push(() => redis.remove());
      const { env, config, container } = await prepareStore(
        `workers-outage-${outage.signal}-${outage.downMs}`,
        {
          REDIS_URL: redis.url,
        },
      );
      const worker = await startWorker(env);
      cleanups.push(() => stopProcess(worker));
      const run = await container.queues.add('invitation-digest-run', { period: PERIOD });
      await waitFor(
        async () => (await container.redis.hlen(container.keys.digestProposals(PERIOD, run.id!))) >= 10,
        180_000,
        'the first proposals',
      );
      await redis.stop(outage.signal);
      await new Promise((r) => setTimeout(r, outage.downMs));
      await redis.start();
      await waitFor(() => digestJobsDone(container), 180_000, 'all digests after Redis came back');
      await stopProcess(worker);
      expect(await expectExactRun(container, config)).toBeGreaterThan(RECIPIENTS);
    });
  }

  it('when any queue gets a poisoned job, then it fails once without retries and the queue goes on', async () => {
    const { env, config, container } = await prepareStore('workers-poison');
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    const connection = createRedis(config.redisUrl);
    cleanups.push(async () => connection.disconnect());
    // Per queue: a job whose payload breaks its schema, and a job name nobody handles.
    const poisons = {
      suggestions: { name: 'refresh-suggestions', data: { researcherId: 42, reason: 'boredom' } },
      invitations: { name: 'invitation-digest', data: { researcherId: claimed[0], period: 'someday' } },
      webhooks: { name: 'deliver-webhook', data: { invitationId: '', event: 'invitation.exploded' } },
    } as const;
    for (const [queueName, poison] of Object.entries(poisons)) {
      const raw = new Queue(queueName, { connection, prefix: queuePrefix(config.keyPrefix) });
      cleanups.push(() => raw.close());
      const poisoned = await raw.add(poison.name, poison.data, { attempts: 5 });
      const unknown = await raw.add('no-such-job', {}, { attempts: 5 });
      await waitFor(
        async () => (await poisoned.getState()) === 'failed' && (await unknown.getState()) === 'failed',
        60_000,
        `the failures in ${queueName}`,
      );
      const failed = await raw.getJob(poisoned.id!);
      expect(failed!.attemptsMade, queueName).toBe(1);
      expect(failed!.failedReason, queueName).toMatch(/invalid payload/);
      expect((await raw.getJob(unknown.id!))!.failedReason, queueName).toMatch(/unknown job name/);
    }
    const good = await container.queues.add('invitation-digest', {
      researcherId: claimed[0]!,
      period: PERIOD,
    });
    const refresh = await container.queues.add('refresh-suggestions', {
      researcherId: claimed[1]!,
      reason: 'profile',
    });
    await waitFor(
      async () => (await good.getState()) === 'completed' && (await refresh.getState()) === 'completed',
      60_000,
      'the next jobs',
    );
    await stopProcess(worker);
  });

  it('when the worker runs, then it answers /healthz and /readyz on its health port, at the priority WORKER_NICE gives it', async () => {
    const port = await freePort();
    const { env } = await prepareStore('workers-health', {
      WORKER_HEALTH_PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_NICE: '7',
    });
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ready: true,
      checks: { redis: true, model: true, index: true, workers: true },
    });
    expect(getPriority(worker.pid)).toBe(Math.max(7, getPriority()));
    await stopProcess(worker);
  });

  it('a bulk import queues at most one pending refresh per researcher', async () => {
    const { env, container } = await prepareStore('workers-bulk');
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    // 120 new papers by 10 authors: each author on 36 of them.
    const authors = Array.from({ length: 10 }, (_, i) => ({
      id: `bulk-author-${i}`,
      name: `Bulk Author ${i}`,
    }));
    const template = sample[0]!;
    const papers: Paper[] = Array.from({ length: 120 }, (_, i) => ({
      ...template,
      id: `bulk-${i}`,
      title: `${template.title} (${i})`,
      authors: [authors[i % 10]!, authors[(i + 3) % 10]!, authors[(i + 7) % 10]!],
    }));
    for (let i = 0; i < papers.length; i += 20)
      await container.services.papers.store(papers.slice(i, i + 20));
    const queue = container.queues.queue('suggestions');
    await waitFor(
      async () => {
        const jobs = await queue.getJobs(['delayed', 'waiting']);
        return authors.every((a) => jobs.some((j) => j.data.researcherId === a.id));
      },
      60_000,
      'refresh jobs for the new authors',
    );
    await new Promise((r) => setTimeout(r, 1500));
    const pending = await queue.getJobs(['delayed', 'waiting']);
    const perResearcher = new Map<string, number>();
    for (const job of pending)
      perResearcher.set(job.data.researcherId, (perResearcher.get(job.data.researcherId) ?? 0) + 1);
    expect(Math.max(...perResearcher.values())).toBe(1);
    await stopProcess(worker);
  });

  it('a new paper citing a stored one queues a refresh of the cited authors too', async () => {
    const { env, container } = await prepareStore('workers-citing');
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    const cited = sample[1]!;
    const citedAuthors = cited.authors.map((a) => a.id);
    const queue = container.queues.queue('suggestions');
    const refreshed = async () =>
      new Set(
        (await queue.getJobs(['delayed', 'waiting', 'active', 'completed'])).map((j) => j.data.researcherId),
      );
    const before = await refreshed();
    await container.services.papers.store([
      {
        ...sample[0]!,
        id: 'citing-newcomer-paper',
        authors: [{ id: 'citing-newcomer', name: 'Citing Newcomer' }],
        references: [cited.id],
      },
    ]);
    // The newcomer has no co-authors: only the citation links them to the cited paper's authors.
    await waitFor(
      async () => {
        const now = await refreshed();
        return now.has('citing-newcomer') && citedAuthors.every((id) => now.has(id) && !before.has(id));
      },
      60_000,
      'refresh jobs for the cited authors',
    );
    await stopProcess(worker);
  });
});

describe('webhooks', () => {
  it('posts each new invitation, signed, and retries when the receiver fails', async () => {
    const secret = 'a-test-secret-of-enough-length';
    const received: { id: string; signatureOk: boolean }[] = [];
    let requests = 0;
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        requests += 1;
        // The first delivery fails: BullMQ must retry it.
        if (requests === 1) {
          response.writeHead(500).end();
          return;
        }
        const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
        received.push({
          id: JSON.parse(body).invitation.id,
          signatureOk: request.headers['x-peerscout-signature'] === expected,
        });
        response.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const { env, container } = await prepareStore('workers-webhook', {
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/peerscout`,
      WEBHOOK_SECRET: secret,
    });
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    const recipient = claimed[0]!;
    await container.queues.add('invitation-digest', { researcherId: recipient, period: PERIOD });
    const expectedIds = async () =>
      (await container.repositories.invitations.list(recipient, 'inbox')).map((i) => i.id).sort();
    await waitFor(
      async () => {
        const ids = await expectedIds();
        return ids.length > 0 && new Set(received.map((r) => r.id)).size === ids.length;
      },
      60_000,
      'webhook deliveries',
    );
    expect(received.every((r) => r.signatureOk)).toBe(true);
    expect([...new Set(received.map((r) => r.id))].sort()).toEqual(await expectedIds());
    expect(requests).toBe(received.length + 1);
    await stopProcess(worker);
  });
});
