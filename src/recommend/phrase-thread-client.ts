import { Piscina } from 'piscina';
import type { PhraseSource } from './key-phrases.ts';

/**
 * The API's handle on its phrase thread (a one-thread Piscina pool): papers' key phrases, tagged off
 * the event loop. Only the fields the tagger reads cross to the thread.
 */
export class PhraseThread {
  private readonly pool = new Piscina({
    filename: new URL('../threads/load-typescript.mjs', import.meta.url).href,
    workerData: { module: new URL('./phrase-thread.ts', import.meta.url).href },
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
  });

  phrases(papers: PhraseSource[]): Promise<string[][]> {
    if (papers.length === 0) return Promise.resolve([]);
    const sources = papers.map(({ title, abstract, keywords }) => ({ title, abstract, keywords }));
    return this.pool.run({ papers: sources });
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
