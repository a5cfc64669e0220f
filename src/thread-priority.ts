import { getPriority, setPriority } from 'node:os';

/** Nice steps below the event loop: at +5 Linux gives a busy thread about a third of its CPU weight. */
const BACKGROUND_NICENESS = 5;

/**
 * Lowers the calling thread's scheduling priority (Linux keeps the nice value per thread; threads
 * this one starts later inherit it). Embedding and index threads call it first, so when the cores
 * are busy the thread that answers cheap requests is served first, and when they are idle nothing
 * is lost. Where lowering is not permitted the thread keeps its priority.
 */
export function lowerThreadPriority(): void {
  try {
    setPriority(Math.min(19, getPriority() + BACKGROUND_NICENESS));
  } catch {
    // Not permitted here (some sandboxes): run at the inherited priority.
  }
}
