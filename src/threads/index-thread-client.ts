import { Piscina } from 'piscina';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { PaperSearch } from '../vector/paper-search.ts';
import { type IndexReply, type IndexTarget, type IndexTask, receivedError } from './index-protocol.ts';

/** Calls the index thread runs at once: they wait on Redis most of the time. */
const CONCURRENT_CALLS = 32;

/**
 * The API's handle on its index thread (a one-thread Piscina pool): opens it, calls its services as
 * if they were here, and closes it (which saves the index snapshots).
 */
export class IndexThread {
  private readonly pool: Piscina;

  constructor(
    config: Config,
    private readonly logger: Logger,
  ) {
    this.pool = new Piscina({
      filename: new URL('./load-typescript.mjs', import.meta.url).href,
      workerData: { module: new URL('./index-thread.ts', import.meta.url).href, config },
      minThreads: 1,
      maxThreads: 1,
      concurrentTasksPerWorker: CONCURRENT_CALLS,
      // The thread waits on Redis: with blocking ('sync') atomics an idle thread would stop its own
      // Redis replies and timers from running until the next call arrived.
      atomics: 'async',
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  private async run(task: IndexTask): Promise<unknown> {
    const reply = (await this.pool.run(task)) as IndexReply;
    if (!reply.ok) throw receivedError(reply.error);
    return reply.value;
  }

  open(options: { backgroundSync?: boolean }): Promise<{ indexRebuilt: boolean }> {
    return this.run({ kind: 'open', options }) as Promise<{ indexRebuilt: boolean }>;
  }

  call(target: IndexTarget, method: string, args: unknown[]): Promise<unknown> {
    return this.run({ kind: 'call', target, method, args });
  }

  /** A stand-in for a service of the index thread: each method call runs there. */
  service<T extends object>(target: IndexTarget): T {
    return new Proxy({} as T, {
      get: (_, method) =>
        // `then` stays undefined, so the stand-in is not mistaken for a promise.
        typeof method !== 'string' || method === 'then'
          ? undefined
          : (...args: unknown[]) => this.call(target, method, args),
    });
  }

  paperSearch(): PaperSearch {
    return this.service<PaperSearch>('papers');
  }

  async close(): Promise<void> {
    // Closing saves the index snapshots: a failure here is the next start's rebuild, so it is said.
    await this.run({ kind: 'close' }).catch((error) =>
      this.logger.warn(
        { err: error },
        'the index thread did not close cleanly; its snapshots may not be saved',
      ),
    );
    await this.pool.destroy();
  }
}
