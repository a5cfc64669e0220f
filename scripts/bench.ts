import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoTokenizer, env } from '@xenova/transformers';
import ort from 'onnxruntime-node';
import { loadConfig } from '../src/config.ts';
import { paperText } from '../src/domain/paper.ts';
import { CachedEmbedder } from '../src/embedding/cached-embedder.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { meanPoolNormalized } from '../src/embedding/pooling.ts';
import { TransformersEmbedder } from '../src/embedding/transformers-embedder.ts';
import { readPaperFile } from '../src/importing/paper-file.ts';
import { VectorIndex } from '../src/vector/vector-index.ts';

/**
 * Side-by-side measurements on the same inputs in one run, printed as ratios:
 * 1. our embedder against raw onnxruntime on the same model file and batch (and int8 against fp32);
 * 2. HNSW search against exact search over the same real vectors (speed and recall@10).
 */
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.resolve('../shared/data/acl-sample-500.jsonl') },
    docs: { type: 'string', default: '64' },
    queries: { type: 'string', default: '200' },
    // Search is measured on the vectors of the first N papers of this file (embedded, or read from the cache).
    'search-data': { type: 'string' },
    'search-papers': { type: 'string', default: '500' },
  },
});
const config = loadConfig();
await ensureModel(config.model.dir, config.model.name);

const texts: string[] = [];
for await (const line of readPaperFile(values.data!))
  if (line.ok) texts.push(paperText(line.paper.title, line.paper.abstract));
const docs = texts.slice(0, Number(values.docs));
const seconds = async (task: () => Promise<unknown>) => {
  const started = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - started) / 1e9;
};
const rate = (n: number, s: number) => `${(n / s).toFixed(1)} docs/s`;

console.log(`# Embedding ${docs.length} abstracts (${path.basename(values.data!)}), 2 cores`);
const options = { modelsDir: config.model.dir, modelName: config.model.name, batchSize: 1 };
const int8 = new TransformersEmbedder({ ...options, quantized: true });
const fp32 = new TransformersEmbedder({ ...options, quantized: false });
const int8Batched = new TransformersEmbedder({ ...options, quantized: true, batchSize: 16 });
for (const e of [int8, fp32, int8Batched]) await e.embed(docs.slice(0, 2));

env.allowRemoteModels = false;
env.localModelPath = `${config.model.dir}/`;
const tokenizer = await AutoTokenizer.from_pretrained(config.model.name);
const session = await ort.InferenceSession.create(
  path.join(config.model.dir, config.model.name, 'onnx', 'model_quantized.onnx'),
);
const rawEmbed = async (batch: string[]) => {
  for (const text of batch) {
    const inputs = tokenizer([text], { padding: true, truncation: true });
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of ['input_ids', 'attention_mask', 'token_type_ids']) {
      const t = inputs[name];
      feeds[name] = new ort.Tensor('int64', t.data as BigInt64Array, t.dims as number[]);
    }
    const out = await session.run(feeds);
    const hidden = out.last_hidden_state!;
    const [b, s, d] = hidden.dims as [number, number, number];
    meanPoolNormalized(hidden.data as Float32Array, inputs.attention_mask.data, b, s, d);
  }
};
await rawEmbed(docs.slice(0, 2));

const ours = await seconds(() => int8.embed(docs));
const raw = await seconds(() => rawEmbed(docs));
const full = await seconds(() => fp32.embed(docs));
const batched = await seconds(() => int8Batched.embed(docs));
console.log(`raw onnxruntime int8 (same tokenizer, one text a call): ${rate(docs.length, raw)}`);
console.log(
  `PeerScout embedder int8, batch 1 (default):            ${rate(docs.length, ours)}  → ${(raw / ours).toFixed(2)}× raw`,
);
console.log(
  `PeerScout embedder int8, batch 16 (length-sorted):     ${rate(docs.length, batched)}  → ${(ours / batched).toFixed(2)}× batch 1`,
);
console.log(
  `PeerScout embedder fp32, batch 1:                      ${rate(docs.length, full)}  → int8 is ${(full / ours).toFixed(2)}× faster`,
);

const searchTexts: string[] = [];
for await (const line of readPaperFile(values['search-data'] ?? values.data!)) {
  if (searchTexts.length >= Number(values['search-papers'])) break;
  if (line.ok) searchTexts.push(paperText(line.paper.title, line.paper.abstract));
}
console.log(
  `\n# Vector search: ${values.queries} held-out papers as queries against the other ${searchTexts.length - Number(values.queries)} real paper vectors, k=10`,
);
const cached = new CachedEmbedder(int8, config.embeddingCacheDir);
const vectors = await cached.embed(searchTexts);
await cached.close();
// Queries are papers left out of the index, as a pasted abstract would be.
const queries = vectors.slice(0, Number(values.queries));
const indexed = vectors.slice(queries.length);
const index = new VectorIndex<null>(int8.dimension, config.hnsw);
const buildSeconds = await seconds(async () => {
  for (const [i, v] of indexed.entries()) index.upsert(`p${i}`, v, null);
});
let exact: string[][] = [];
let approx: string[][] = [];
const exactSeconds = await seconds(async () => {
  exact = queries.map((q) => index.searchExact(q, 10).map((h) => h.id));
});
const hnswSeconds = await seconds(async () => {
  approx = queries.map((q) => index.search(q, 10).map((h) => h.id));
});
const recall =
  approx.reduce((sum, ids, i) => sum + ids.filter((id) => exact[i]!.includes(id)).length / 10, 0) /
  queries.length;
const ms = (s: number) => `${((s * 1000) / queries.length).toFixed(3)} ms/query`;
console.log(
  `build HNSW (M=${config.hnsw.m}, efConstruction=${config.hnsw.efConstruction}): ${buildSeconds.toFixed(2)} s`,
);
console.log(`exact search:            ${ms(exactSeconds)}`);
console.log(
  `HNSW ef=${config.hnsw.efSearch}:          ${ms(hnswSeconds)}  → ${(exactSeconds / hnswSeconds).toFixed(1)}× faster, recall@10 ${recall.toFixed(3)}`,
);
console.log(
  `heap used: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`,
);
