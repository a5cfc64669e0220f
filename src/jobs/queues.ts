import { type JobsOptions, Queue } from 'bullmq';
import type { Redis } from '../storage/redis.ts';
import { type JobName, type JobPayload, jobs, QUEUE_NAMES, type QueueName } from './definitions.ts';

/** BullMQ keys live under the deployment's hashtag too, next to PeerScout's own keys. */
export function queuePrefix(keyPrefix: string): string {
  return `{${keyPrefix}}:bull`;
}

/** Retries with exponential backoff; failed jobs are kept for inspection, completed ones trimmed. */
const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
  removeOnFail: false,
};

/** The queues of the typed job registry, and the one way to add a job: validated against its schema. */
export class JobQueues {
  readonly queues: Map<QueueName, Queue>;

  constructor(connection: Redis, keyPrefix: string) {
    this.queues = new Map(
      QUEUE_NAMES.map((name) => [
        name,
        new Queue(name, {
          connection,
          prefix: queuePrefix(keyPrefix),
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
      ]),
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

  /** A job by id from whichever queue holds it. */
  async findJob(id: string) {
    for (const queue of this.queues.values()) {
      const job = await queue.getJob(id);
      if (job) return job;
    }
    return null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
