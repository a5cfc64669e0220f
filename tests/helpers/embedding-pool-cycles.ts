// Starts and stops an embedding pool several times in one process, with a session on this thread too
// (as the worker and the evaluation have), embedding with each; prints "cycles done" when it gets through.
// Every other pool is stopped as soon as one short text is embedded, while its other thread may still be
// loading the model (as when a process is stopped soon after it starts).
import { loadConfig } from '../../src/config.ts';
import { modelOptions } from '../../src/container.ts';
import { PooledEmbedder } from '../../src/embedding/pooled-embedder.ts';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.ts';

const config = loadConfig();
await new TransformersEmbedder(modelOptions(config)).embed(['a session on the main thread']);
for (let cycle = 0; cycle < Number(process.argv[2]); cycle++) {
  const pool = new PooledEmbedder({ ...modelOptions(config), threads: 2, queueMax: 100 });
  const texts = cycle % 3 === 2 ? 16 : 1;
  await pool.embed(Array.from({ length: texts }, (_, i) => `text ${i} of cycle ${cycle}`));
  await pool.close();
}
console.log('cycles done');
