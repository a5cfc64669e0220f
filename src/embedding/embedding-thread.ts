import { parentPort, threadId, workerData } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { lowerThreadPriority, type ThreadRole } from '../thread-priority.ts';
import { TransformersEmbedder, type TransformersOptions } from './transformers-embedder.ts';

/**
 * Runs in an embedding thread: one ONNX session per thread, loaded once, so the model's work never
 * runs on the event loop that serves requests (and yields the CPU to it). Vectors come back as one
 * row-major Float32Array, moved (not copied) to the caller.
 */
lowerThreadPriority(workerData.threadRole as ThreadRole);
const embedder = new TransformersEmbedder(workerData.options as TransformersOptions);
// The first inference of a session is several times slower than the next (onnxruntime sets up its
// kernels): every thread pays it at start, not a request that happens to reach it first.
await embedder.embed(['warm-up']);
// From here on the thread may be stopped safely between tasks (see PooledEmbedder.close).
parentPort?.postMessage({ embeddingThreadLoaded: threadId });

export default async function embed(task: { texts: string[] }) {
  const vectors = await embedder.embed(task.texts);
  const rows = new Float32Array(vectors.length * embedder.dimension);
  for (const [i, vector] of vectors.entries()) rows.set(vector, i * embedder.dimension);
  return Piscina.move(rows);
}
