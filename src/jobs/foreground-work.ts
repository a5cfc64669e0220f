import { setImmediate as nextTurn } from 'node:timers/promises';

/** The longest background work waits for foreground work before it takes one more step anyway. */
const DEFAULT_MAX_WAIT_MS = 1000;

/**
 * Jobs of one process that must not wait behind its long background work. The worker runs refreshes,
 * digests and its other jobs on the same event loop as training the ranking models (minutes at 100k
 * papers, in steps of up to a few hundred milliseconds): training calls `giveWay()` between its steps and
 * pauses while foreground jobs run, instead of every await of a refresh queueing behind a step of it.
 * A steady stream of foreground jobs still lets background work take a step every `maxWaitMs`, so it
 * is slowed, never starved.
 */
export class ForegroundWork {
  private running = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS) {}

  /** Runs a foreground job; background work waits while any runs. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await job();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const resume of this.waiting.splice(0)) resume();
    }
  }

  /** For background work between steps: lets pending I/O run, then waits until no foreground job runs. */
  async giveWay(): Promise<void> {
    await nextTurn();
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.maxWaitMs);
      this.waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
