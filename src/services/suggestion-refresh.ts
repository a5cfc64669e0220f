import type { Job } from 'bullmq';
import { jobIdFor } from '../jobs/definitions.ts';
import { type JobQueues, publicJobId } from '../jobs/queues.ts';
import type { JsonStore } from '../storage/json-store.ts';

export type RefreshReason = 'papers' | 'profile' | 'feedback' | 'on-demand';

/**
 * BullMQ priority of refreshes that paper changes set off (an import queues thousands): behind
 * those that a person's own action asked for (no priority: BullMQ runs them first).
 */
const PAPER_CHANGE_PRIORITY = 10;

/** Moves a waiting refresh ahead of those paper changes set off; one that ended (or went) meanwhile is left. */
async function runAsAskedFor(job: Job): Promise<void> {
  try {
    await job.changePriority({ priority: 0 });
  } catch (error) {
    if (!['completed', 'failed', 'unknown'].includes(await job.getState())) throw error;
  }
}

/**
 * The one way to say "these researchers' suggestions are stale": their cached suggestions are
 * dropped at once (so nothing stale is served meanwhile) and a refresh is queued. Refreshes of one
 * researcher are debounced by REFRESH_DEBOUNCE_MS: while one waits, new requests fold into it (its
 * delay restarts); while one runs, at most one more waits (BullMQ deduplication, keepLastIfActive).
 * Refreshes a person asked for (on demand, a profile edit, feedback) overtake those of paper changes.
 */
export class SuggestionRefresh {
  constructor(private readonly deps: { cache: JsonStore<unknown>; queues: JobQueues; debounceMs: number }) {}

  /** Returns the refresh jobs' ids, as the API shows them. */
  async request(researcherIds: string[], reason: RefreshReason): Promise<string[]> {
    if (researcherIds.length === 0) return [];
    await this.deps.cache.forget(researcherIds);
    const jobs = await this.deps.queues.addBulk(
      'refresh-suggestions',
      researcherIds.map((researcherId) => ({
        payload: { researcherId, reason },
        options: {
          delay: this.deps.debounceMs,
          ...(reason === 'papers' ? { priority: PAPER_CHANGE_PRIORITY } : {}),
          deduplication: { id: jobIdFor('refresh', researcherId), keepLastIfActive: true },
        },
      })),
    );
    // A request folded into a refresh that paper changes had queued would wait behind the whole import:
    // the refresh it joined takes the person's place instead (no-op for one just added).
    if (reason !== 'papers') await Promise.all(jobs.map((job) => runAsAskedFor(job)));
    return jobs.map(publicJobId);
  }
}
