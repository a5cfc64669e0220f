import { type JobsOptions, Queue } from 'bullmq';
import type { Logger } from '../logger.ts';
import type { Redis } from '../storage/redis.ts';
import { type JobName, type JobPayload, jobs, QUEUE_NAMES, type QueueName } from './definitions.ts';

/** BullMQ keys live under the deployment's hashtag too, next to PeerScout's own keys. */
export function queuePrefix(keyPrefix: string): string {
  return `{${keyPrefix}}:bull`;
}

/**
 * The id the API shows for a job, "<queue>:<job id>": BullMQ numbers jobs per queue, so a bare id
 * could name a job in another queue.
 */
export function publicJobId(job: { queueName: string; id?: string }): string {
  return `${job.queueName}:${job.id}`;
}

/**
 * Retries with exponential backoff; failed jobs are kept longer than completed ones, for inspection.
 * Nothing relies on job history for correctness: digests and webhook deliveries are recorded in Redis.
 */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 10_000, age: 30 * 24 * 3600 },
};

/** The queues of the typed job registry, and the one way to add a job: validated against its schema. */
export class JobQueues {
  readonly queues: Map<QueueName, Queue>;

  constructor(connection: Redis, keyPrefix: string, logger: Logger) {
    this.queues = new Map(
      QUEUE_NAMES.map((name) => {
        const queue = new Queue(name, {
          connection,
          prefix: queuePrefix(keyPrefix),
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
          // BullMQ reads the server version (INFO) once, when the queue is made, and keeps a failure of
          // that read for the life of the queue: an INFO that timed out because this process was busy
          // (loading the model, say) left every later add failing. Without the read nothing at
          // construction can fail; the only difference is that two job-state reads use their Lua
          // fallback instead of LPOS.
          skipVersionCheck: true,
        });
        // Connection errors also reach the callers of each command; without a listener BullMQ prints them.
        queue.on('error', (error) =>
          logger.debug({ queue: name, err: error.message }, 'queue connection error'),
        );
        return [name, queue];
      }),
    );
  }

  queue(name: QueueName): Queue {
    return this.queues.get(name)!;
  }

  async add<N extends JobName>(name: N, payload: JobPayload<N>, options: JobsOptions = {}) {
    const data = jobs[name].payload.parse(payload);
    return this.queue(jobs[name].queue).add(name, data, options);
  }

  async addBulk<N extends JobName>(name: N, entries: { payload: JobPayload<N>; options?: JobsOptions }[]) {
    const queue = this.queue(jobs[name].queue);
    return queue.addBulk(
      entries.map(({ payload, options }) => ({
        name,
        data: jobs[name].payload.parse(payload),
        opts: options,
      })),
    );
  }

  /** A job by the id the API showed for it (see publicJobId). */
  async findJob(publicId: string) {
    const separator = publicId.indexOf(':');
    const queue = this.queues.get(publicId.slice(0, separator) as QueueName);
    if (separator < 0 || !queue) return null;
    return (await queue.getJob(publicId.slice(separator + 1))) ?? null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
