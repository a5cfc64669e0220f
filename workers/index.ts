import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { loadConfig } from '../src/config.ts';
import { createContainer, untilRedisAnswers } from '../src/container.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import {
  isJobName,
  type JobName,
  jobs,
  type ParsedJobPayload,
  QUEUE_NAMES,
} from '../src/jobs/definitions.ts';
import { queuePrefix } from '../src/jobs/queues.ts';
import { createLogger } from '../src/logger.ts';
import { requestTraining } from '../src/services/training-requests.ts';
import { closeOnSignals } from '../src/shutdown.ts';
import { createRedis } from '../src/storage/redis.ts';
import { lowerPriorityTo } from '../src/thread-priority.ts';
import { deliverWebhook } from './handlers/deliver-webhook.ts';
import {
  invitationDigest,
  invitationDigestProposal,
  invitationDigestRun,
} from './handlers/invitation-digest.ts';
import { reconcilePapers } from './handlers/reconcile-papers.ts';
import { refreshSuggestions } from './handlers/refresh-suggestions.ts';
import { trainRankingModel } from './handlers/train-ranking-model.ts';
import { startHealthServer } from './health-server.ts';
import { RefreshTrigger } from './refresh-trigger.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-worker');
// Before any thread starts, so they all inherit it: refreshes and digests run when the CPU is free
// and do not halve a bulk import or slow the API on the same machine (never raised above where it was).
lowerPriorityTo(config.worker.nice);
await ensureModel(config.model.dir, config.model.name);
const container = createContainer(config, logger);
container.paperIndex.attach(new RefreshTrigger(container));
let workers: Worker[] = [];
let health: Awaited<ReturnType<typeof startHealthServer>> | undefined;
// Before the start-up, which may take minutes (an index rebuilt from Redis): a signal is handled from here on.
const shutdown = closeOnSignals(logger, 'finishing in-flight jobs', config.shutdownTimeoutMs, async () => {
  await health?.close();
  await Promise.all(workers.map((w) => w.close()));
  await container.close();
});
await shutdown.unlessStopping(container.start());

type Handlers = {
  [N in JobName]: (payload: ParsedJobPayload<N>, job: Job, token?: string) => Promise<unknown>;
};
const { services, foreground } = container;
const handlers: Handlers = {
  'refresh-suggestions': (payload) => refreshSuggestions(services, payload),
  'train-ranking-model': (payload) => trainRankingModel(services.rankingModel, payload),
  'invitation-digest-run': (payload, job, token) =>
    invitationDigestRun(services.invitations, payload, job, token),
  'invitation-digest-proposal': (payload) => invitationDigestProposal(services.invitations, payload),
  'invitation-digest': (payload) => invitationDigest(services.invitations, payload),
  'reconcile-papers': () => reconcilePapers(services.papers),
  'deliver-webhook': (payload) => deliverWebhook(services.webhooks, payload),
};

/** Validates the payload against the registry: a poisoned job fails once, without retries. */
async function processJob(job: Job, token?: string): Promise<unknown> {
  if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job name '${job.name}'`);
  const parsed = jobs[job.name].payload.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `invalid payload for ${job.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const handler = handlers[job.name] as (payload: unknown, job: Job, token?: string) => Promise<unknown>;
  const run = () => handler(parsed.data, job, token);
  // Every other job runs as foreground work, which training gives way to (see ForegroundWork).
  return job.name === 'train-ranking-model' ? run() : foreground.run(run);
}

workers = QUEUE_NAMES.map((queue) => {
  const worker = new Worker(queue, processJob, {
    connection: createRedis(config.redisUrl, { blocking: true, name: `peerscout-worker-${queue}` }),
    prefix: queuePrefix(config.keyPrefix),
    concurrency: config.worker.concurrency,
    // Ranking a researcher blocks the event loop for tens to hundreds of milliseconds; the lock (a
    // minute by default) is renewed long before it could lapse, so such jobs are not taken for stalled.
    // A job whose worker died is found stalled and retried after about one lock duration.
    lockDuration: config.worker.lockDurationMs,
    stalledInterval: Math.max(1000, Math.floor(config.worker.lockDurationMs / 2)),
    // Taking jobs waits until the start-up steps below are done: a job that blocks the event loop could
    // otherwise make one of their Redis commands time out.
    autorun: false,
  });
  worker.on('failed', (job, error) =>
    logger.warn({ queue, job: job?.id, name: job?.name, err: error.message }, 'job failed'),
  );
  worker.on('error', (error) => logger.warn({ queue, err: error.message }, 'worker error'));
  return worker;
});

await shutdown.unlessStopping(
  untilRedisAnswers(config, logger, 'schedule recurring jobs', async () => {
    await container.queues
      .queue('invitations')
      .upsertJobScheduler(
        'invitation-digest',
        { pattern: config.invitations.cron },
        { name: 'invitation-digest-run', data: {} },
      );
    // The models are learned when missing, and again whenever the store has outgrown them.
    await container.queues
      .queue('suggestions')
      .upsertJobScheduler(
        'train-ranking-model',
        { pattern: config.ranker.retrainCron },
        { name: 'train-ranking-model', data: { reason: 'scheduled' } },
      );
    await container.queues
      .queue('maintenance')
      .upsertJobScheduler(
        'reconcile-papers',
        { every: config.worker.reconcileIntervalMs },
        { name: 'reconcile-papers', data: {} },
      );
    await requestTraining(container.queues, 'start');
  }),
);
for (const worker of workers) {
  worker.run().catch((error: Error) => logger.error({ err: error.message }, 'worker stopped taking jobs'));
}
health = await shutdown.unlessStopping(
  startHealthServer(config.host, config.worker.healthPort, async () => ({
    ...(await container.readiness()),
    workers: workers.every((worker) => worker.isRunning()),
  })),
);
logger.info(
  {
    queues: QUEUE_NAMES,
    concurrency: config.worker.concurrency,
    cron: config.invitations.cron,
    healthPort: config.worker.healthPort || null,
  },
  'workers started',
);
