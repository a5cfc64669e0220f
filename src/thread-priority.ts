import { getPriority, setPriority } from 'node:os';

/**
 * How many nice steps below its process a helper thread runs, by what it runs beside:
 * - `bulk`: a process whose own thread does bulk work too (an import's embedding threads). At +5
 *   Linux gives a busy thread about a third of the weight of its process's thread, and the threads
 *   stay well ahead of the worker process (nice 19) that refreshes suggestions during the import.
 * - `besideRequests`: the API, whose event loop answers every request (its embedding, phrase and index
 *   threads). At +15 a request's wake-up goes before them at once: during a 256-paper ingest on a
 *   58k-paper store the cheap GET's p99 was 4.2–4.9 ms against 5.1–6.1 ms at +5, and 40 % more GETs
 *   were answered meanwhile; the ingest took ≈ 15 % longer under that probing (docs/BENCHMARKS.md,
 *   fourteenth session). They still weigh more than the worker process (nice 19).
 */
export const THREAD_NICENESS = { bulk: 5, besideRequests: 15 } as const;
export type ThreadRole = keyof typeof THREAD_NICENESS;

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
 * Embedding, phrase and index threads call this first, so when the cores are busy the thread that
 * answers cheap requests (or does the process's own bulk work) is served first, and when they are
 * idle nothing is lost.
 */
export function lowerThreadPriority(role: ThreadRole): void {
  lowerPriorityTo(getPriority() + THREAD_NICENESS[role]);
}
