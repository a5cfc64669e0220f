import http from 'node:http';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { Container } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { isoWeek, jobs } from '../../src/jobs/definitions.ts';
import { queuePrefix } from '../../src/jobs/queues.ts';
import { createRedis } from '../../src/storage/redis.ts';
import { invitationDigestRun } from '../../workers/handlers/invitation-digest.ts';
import { prepareClaimedStore, researchersByPaperCount } from '../helpers/digest-store.ts';
import { freePort, startWorker, stopProcess, waitFor } from '../helpers/processes.ts';
import { readSample, startTestApp, stopTestApp } from '../helpers/test-env.ts';

const sample = readSample();
const PERIOD = '2026-W21';
const prolific = researchersByPaperCount(sample).slice(0, 12);

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** A store with the sample; the given researchers have claimed their records and are open. */
const prepareStore = (name: string, claimed: string[], extra: Record<string, string> = {}) =>
  prepareClaimedStore(name, sample, claimed, cleanups, extra);

async function allComplete(container: Container, recipients: string[], period = PERIOD) {
  return (await container.repositories.invitations.digestsComplete(period, recipients)).every(Boolean);
}

describe('digest runs', () => {
  it('when researcher ids hold : { } * spaces or non-ASCII letters, then the run completes for every researcher', async () => {
    // Ids of the API's alphabet (':' and other scripts) and ids it refuses but older data may hold.
    const odd = ['evil:x', 'ünï-çødé', '{brace}', 'star*x', 'with space'];
    const claimed = [...prolific.slice(0, 6), ...odd];
    const { env, container } = await prepareStore('digest-odd-ids', []);
    // Each odd researcher co-authors two sample papers with prolific people, so they have suggestions.
    const papers: Paper[] = odd.flatMap((id, i) =>
      [0, 1].map((k) => {
        const base = sample[i * 7 + k]!;
        return { ...base, id: `odd-${i}-${k}`, authors: [...base.authors, { id, name: `Odd Person ${i}` }] };
      }),
    );
    await container.services.papers.store(papers);
    for (const id of claimed) {
      await container.repositories.researchers.claim(id, `account-${id}`);
      await container.repositories.researchers.updateProfile(id, { openToCollaborate: true });
    }
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    await container.queues.add('invitation-digest-run', { period: PERIOD });
    await waitFor(() => allComplete(container, claimed), 120_000, 'every digest of the run');
    const received = await Promise.all(
      odd.map((id) => container.repositories.invitations.periodCandidates(id, PERIOD)),
    );
    expect(received.flat().length).toBeGreaterThan(0);
    await stopProcess(worker);
  });

  it('when every digest of a run failed, then the next run completes them all', async () => {
    const claimed = prolific.slice(0, 8);
    const { env, config, container } = await prepareStore('digest-failed-run', claimed);
    // A first run whose proposals all fail for good (their worker throws), as a bug or an outage would.
    const failing = new Worker(
      'invitations',
      async (job, token) => {
        if (job.name === 'invitation-digest-run') {
          const payload = jobs['invitation-digest-run'].payload.parse(job.data);
          return invitationDigestRun(container.services.invitations, payload, job, token);
        }
        throw new UnrecoverableError('digest failed');
      },
      { connection: createRedis(config.redisUrl, { blocking: true }), prefix: queuePrefix(config.keyPrefix) },
    );
    const first = await container.queues.add('invitation-digest-run', { period: PERIOD });
    const queue = container.queues.queue('invitations');
    await waitFor(
      async () => (await queue.getJobs(['failed'])).length === claimed.length,
      60_000,
      'the failed digests of the first run',
    );
    // Failed proposals do not hold the run up: it goes on to write what it has, which is nothing.
    await waitFor(async () => (await first.getState()) === 'completed', 30_000, 'the first run');
    await failing.close();
    expect(await container.repositories.invitations.digestsComplete(PERIOD, claimed)).toEqual(
      claimed.map(() => false),
    );

    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    await container.queues.add('invitation-digest-run', { period: PERIOD });
    await waitFor(() => allComplete(container, claimed), 120_000, 'every digest of the second run');
    const written = await Promise.all(
      claimed.map((id) => container.repositories.invitations.periodCandidates(id, PERIOD)),
    );
    expect(written.flat().length).toBeGreaterThan(claimed.length / 2);
    await stopProcess(worker);
  });

  it('when completed jobs are trimmed and the period runs again, then no webhook is delivered twice', async () => {
    const deliveries = new Map<string, number>();
    const deliveryHeaders = new Set<string>();
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const id = JSON.parse(body).invitation.id as string;
        deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
        deliveryHeaders.add(String(request.headers['x-peerscout-delivery']));
        response.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const claimed = prolific.slice(0, 6);
    const { env, container } = await prepareStore('digest-webhooks', claimed, {
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      WEBHOOK_SECRET: 'a-test-secret-of-enough-length',
    });
    const worker = await startWorker(env);
    cleanups.push(() => stopProcess(worker));
    const invitationIds = async () =>
      (await Promise.all(claimed.map((id) => container.repositories.invitations.list(id, 'inbox')))).flatMap(
        (inbox) => inbox.map((i) => i.id),
      );

    await container.queues.add('invitation-digest-run', { period: PERIOD });
    await waitFor(() => allComplete(container, claimed), 120_000, 'the first run');
    const ids = await invitationIds();
    expect(ids.length).toBeGreaterThan(0);
    await waitFor(async () => deliveries.size === ids.length, 60_000, 'the first deliveries');

    // Job history is gone (as retention trims it after 7 days or 1,000 jobs); the period runs again,
    // every digest job runs again, and a delivery job is even added by hand.
    for (const name of ['invitations', 'webhooks'] as const) {
      await container.queues.queue(name).clean(0, 100_000, 'completed');
    }
    const again = await container.queues.addBulk(
      'invitation-digest',
      claimed.map((researcherId) => ({ payload: { researcherId, period: PERIOD } })),
    );
    const byHand = await container.queues.add('deliver-webhook', {
      invitationId: ids[0]!,
      event: 'invitation.created',
    });
    await waitFor(
      async () =>
        (await Promise.all([...again, byHand].map((job) => job.getState()))).every((s) => s === 'completed'),
      60_000,
      'the repeated jobs',
    );
    await waitFor(
      async () => {
        const pending = await container.queues.queue('webhooks').getJobCounts('wait', 'active', 'delayed');
        return (pending.wait ?? 0) + (pending.active ?? 0) + (pending.delayed ?? 0) === 0;
      },
      30_000,
      'no webhook job left',
    );
    expect(await invitationIds()).toEqual(ids);
    expect([...deliveries.values()].every((n) => n === 1)).toBe(true);
    expect(deliveries.size).toBe(ids.length);
    expect(deliveryHeaders.size).toBe(ids.length);
    await stopProcess(worker);
  });
});

describe('digest periods and job ids over the API', () => {
  it('accepts only the current ISO week, a past one only as a backfill, and never one that does not exist', async () => {
    const t = await startTestApp('digest-periods');
    cleanups.push(() => stopTestApp(t));
    const post = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/v1/invitations/digest', payload });
    const current = isoWeek(new Date());
    const now = await post({});
    expect(now.statusCode).toBe(202);
    expect(now.json().period).toBe(current);
    expect((await post({ period: current })).statusCode).toBe(202);
    const past = await post({ period: '1999-W01' });
    expect(past.statusCode).toBe(422);
    expect(past.json().error.message).toContain('backfill');
    expect((await post({ period: '1999-W01', backfill: true })).statusCode).toBe(202);
    expect((await post({ period: '2999-W01', backfill: true })).statusCode).toBe(422);
    for (const period of ['2026-W99', '2026-W00', '2025-W53', '2026-W5']) {
      const response = await post({ period, backfill: true });
      expect(response.statusCode, period).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    }
    // 2026 has 53 ISO weeks (28 December 2026 is a Monday).
    expect((await post({ period: '2026-W53', backfill: true })).statusCode).not.toBe(400);
  });

  it('when jobs of two queues have the same BullMQ number, then each id the API returns finds its own job', async () => {
    const t = await startTestApp('digest-job-ids');
    cleanups.push(() => stopTestApp(t));
    await t.container.services.papers.store(sample.slice(0, 5));
    const refresh = await t.app.inject({
      method: 'POST',
      url: `/v1/researchers/${sample[0]!.authors[0]!.id}/refresh`,
    });
    const digest = await t.app.inject({ method: 'POST', url: '/v1/invitations/digest', payload: {} });
    const refreshId = refresh.json().jobId as string;
    const digestId = digest.json().jobId as string;
    expect(refreshId).not.toBe(digestId);
    const refreshJob = await t.app.inject({ url: `/v1/jobs/${encodeURIComponent(refreshId)}` });
    const digestJob = await t.app.inject({ url: `/v1/jobs/${encodeURIComponent(digestId)}` });
    expect(refreshJob.json()).toMatchObject({
      id: refreshId,
      name: 'refresh-suggestions',
      queue: 'suggestions',
    });
    expect(digestJob.json()).toMatchObject({
      id: digestId,
      name: 'invitation-digest-run',
      queue: 'invitations',
    });
    expect((await t.app.inject({ url: '/v1/jobs/1' })).statusCode).toBe(404);
  });

  it('when two researchers would each be suggested to the other, then only one direction is pending in a period', async () => {
    const claimed = prolific.slice(0, 12);
    const { container } = await prepareStore('digest-both-ways', claimed);
    for (const id of claimed) await container.services.invitations.digest(id, PERIOD);
    const pairs = new Set<string>();
    let bothWays = 0;
    let written = 0;
    for (const id of claimed) {
      for (const candidate of await container.repositories.invitations.periodCandidates(id, PERIOD)) {
        written += 1;
        if (pairs.has(`${candidate}|${id}`)) bothWays += 1;
        pairs.add(`${id}|${candidate}`);
      }
    }
    expect(written).toBeGreaterThan(claimed.length);
    expect(bothWays).toBe(0);
  });
});
