import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { BusyError } from '../errors.ts';
import type { ThreadRole } from '../thread-priority.ts';
import type { Embedder } from './embedder.ts';
import type { TransformersOptions } from './transformers-embedder.ts';
import { MODEL_DIMENSION, modelVersionOf } from './transformers-embedder.ts';

/** Texts per task: small enough that a pasted abstract waits behind a few tasks, not a whole import. */
const TEXTS_PER_TASK = 8;
/** How long closing waits for a thread still loading the model before stopping it anyway. */
const LOAD_WAIT_MS = 60_000;

/**
 * The embedding model in a pool of worker threads (Piscina), each with its own ONNX session. A call
 * is cut into small tasks that the threads take in turn, so a bulk import uses every thread and a
 * single pasted abstract is not stuck behind it; the calling thread's event loop stays free.
 */
export class PooledEmbedder implements Embedder {
  readonly dimension = MODEL_DIMENSION;
  readonly modelVersion: string;
  private readonly pool: Piscina;
  private readonly queueMax: number;
  private readonly onEmbedded: (seconds: number, texts: number) => void;
  /** Per thread id: settled once that thread has loaded the model and warmed it up. */
  private readonly loaded = new Map<number, PromiseWithResolvers<void>>();

  constructor(
    options: TransformersOptions & {
      threads: number;
      queueMax: number;
      /** What the threads run beside (see THREAD_NICENESS); 'bulk' unless said. */
      threadRole?: ThreadRole;
      /** Told how long each call took (queueing included) and how many texts it had. */
      onEmbedded?: (seconds: number, texts: number) => void;
    },
  ) {
    this.onEmbedded = options.onEmbedded ?? (() => undefined);
    this.modelVersion = modelVersionOf(options);
    const { threads, queueMax, threadRole = 'bulk', onEmbedded: _, ...model } = options;
    this.queueMax = queueMax;
    this.pool = new Piscina({
      filename: new URL('../threads/load-typescript.mjs', import.meta.url).href,
      workerData: {
        module: new URL('./embedding-thread.ts', import.meta.url).href,
        options: model,
        threadRole,
      },
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    this.pool.on('message', (message: { embeddingThreadLoaded?: number }) => {
      if (message.embeddingThreadLoaded !== undefined)
        this.loadedSignal(message.embeddingThreadLoaded).resolve();
    });
  }

  /** Embedding tasks waiting for a thread: a gauge for /metrics. */
  get queued(): number {
    return this.pool.queueSize;
  }

  /** Resolves once a thread has loaded the model. */
  async load(): Promise<void> {
    await this.embed(['warm-up']);
  }

  /**
   * A burst beyond what the threads can catch up on soon (EMBEDDING_QUEUE_MAX tasks waiting) is refused
   * at once with 503, not queued for minutes behind everything else.
   */
  async embed(texts: string[]): Promise<Float32Array[]> {
    const needed = Math.ceil(texts.length / TEXTS_PER_TASK);
    // A call larger than the queue is still taken when nothing waits, so one big batch is never refused.
    if (this.pool.queueSize > 0 && this.pool.queueSize + needed > this.queueMax) {
      throw new BusyError('the embedding queue is full; try again shortly', { queued: this.pool.queueSize });
    }
    const started = performance.now();
    const tasks: Promise<Float32Array>[] = [];
    for (let start = 0; start < texts.length; start += TEXTS_PER_TASK) {
      tasks.push(this.pool.run({ texts: texts.slice(start, start + TEXTS_PER_TASK) }));
    }
    const results = await Promise.all(tasks);
    if (texts.length > 0) this.onEmbedded((performance.now() - started) / 1000, texts.length);
    return results.flatMap((rows) =>
      Array.from({ length: rows.length / this.dimension }, (_, i) =>
        rows.slice(i * this.dimension, (i + 1) * this.dimension),
      ),
    );
  }

  /**
   * Stops the threads once none is inside onnxruntime: a thread stopped while it loads the model or
   * runs it aborts the whole process ("terminate called after throwing an instance of 'Napi::Error'").
   * So closing first waits for threads still loading (a pool closed soon after it started), then lets
   * the tasks under way finish (Piscina's close), and only then stops the threads.
   */
  async close(): Promise<void> {
    await Promise.all(this.pool.threads.map((thread) => this.untilLoaded(thread)));
    await this.pool.close();
  }

  /** Resolves once the thread has loaded the model, or has exited (it failed to), or after LOAD_WAIT_MS. */
  private async untilLoaded(thread: Worker): Promise<void> {
    const stop = new AbortController();
    await Promise.race([
      this.loadedSignal(thread.threadId).promise,
      once(thread, 'exit', { signal: stop.signal }),
      sleep(LOAD_WAIT_MS, undefined, { signal: stop.signal }),
    ]).catch(() => undefined);
    stop.abort();
  }

  private loadedSignal(threadId: number): PromiseWithResolvers<void> {
    let signal = this.loaded.get(threadId);
    if (!signal) {
      signal = Promise.withResolvers<void>();
      this.loaded.set(threadId, signal);
    }
    return signal;
  }
}
