import { Piscina } from 'piscina';
import type { PhraseExtractor } from '../recommend/key-phrases.ts';

/** Papers per task: one task holds its thread for tens of milliseconds, so small ingests interleave. */
const PAPERS_PER_TASK = 16;

/** Key-phrase extraction in a thread of its own (Piscina), off the event loop that serves requests. */
export class PhrasePool {
  private readonly pool = new Piscina({
    filename: new URL('./load-typescript.mjs', import.meta.url).href,
    workerData: { module: new URL('./phrase-thread.ts', import.meta.url).href },
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });

  readonly extract: PhraseExtractor = async (papers) => {
    const tasks: Promise<string[][]>[] = [];
    for (let start = 0; start < papers.length; start += PAPERS_PER_TASK) {
      const slice = papers.slice(start, start + PAPERS_PER_TASK);
      tasks.push(
        this.pool.run({
          papers: slice.map(({ title, abstract, keywords }) => ({ title, abstract, keywords })),
        }),
      );
    }
    return (await Promise.all(tasks)).flat();
  };

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
