import { getPriority, setPriority } from 'node:os';

/** Nice steps below the event loop: at +5 Linux gives a busy thread about a third of its CPU weight. */
const BACKGROUND_NICENESS = 5;

/**
 * Gives the calling thread at least this nice value (Linux keeps it per thread; threads started
 * afterwards inherit it), never a higher priority than it has. Where lowering is not permitted the
 * thread keeps its priority.
 */
export function lowerPriorityTo(nice: number): void {
  try {
    setPriority(Math.min(19, Math.max(getPriority(), nice)));
  } catch {
    // Not permitted here (some sandboxes): run at the inherited priority.
  }
}

/**
 * Embedding and index threads call this first, so when the cores are busy the thread that answers
 * cheap requests is served first, and when they are idle nothing is lost.
 */
export function lowerThreadPriority(): void {
  lowerPriorityTo(getPriority() + BACKGROUND_NICENESS);
}
