import { Piscina } from 'piscina';
import type { Embedder } from './embedder.ts';
import type { TransformersOptions } from './transformers-embedder.ts';
import { MODEL_DIMENSION, modelVersionOf } from './transformers-embedder.ts';

/** Texts per task: small enough that a pasted abstract waits behind a few tasks, not a whole import. */
const TEXTS_PER_TASK = 8;

/**
 * The embedding model in a pool of worker threads (Piscina), each with its own ONNX session. A call
 * is cut into small tasks that the threads take in turn, so a bulk import uses every thread and a
 * single pasted abstract is not stuck behind it; the calling thread's event loop stays free.
 */
export class PooledEmbedder implements Embedder {
  readonly dimension = MODEL_DIMENSION;
  readonly modelVersion: string;
  private readonly pool: Piscina;

  constructor(options: TransformersOptions & { threads: number }) {
    this.modelVersion = modelVersionOf(options);
    const { threads, ...model } = options;
    this.pool = new Piscina({
      filename: new URL('../threads/load-typescript.mjs', import.meta.url).href,
      workerData: { module: new URL('./embedding-thread.ts', import.meta.url).href, options: model },
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Resolves once a thread has loaded the model. */
  async load(): Promise<void> {
    await this.embed(['warm-up']);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const tasks: Promise<Float32Array>[] = [];
    for (let start = 0; start < texts.length; start += TEXTS_PER_TASK) {
      tasks.push(this.pool.run({ texts: texts.slice(start, start + TEXTS_PER_TASK) }));
    }
    return (await Promise.all(tasks)).flatMap((rows) =>
      Array.from({ length: rows.length / this.dimension }, (_, i) =>
        rows.slice(i * this.dimension, (i + 1) * this.dimension),
      ),
    );
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
