import { mkdtempSync, rmSync } from 'node:fs';
import os, { getPriority } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { CachedEmbedder } from '../../src/embedding/cached-embedder.ts';
import { ensureModel } from '../../src/embedding/model-setup.ts';
import { PooledEmbedder } from '../../src/embedding/pooled-embedder.ts';
import { cosine } from '../../src/embedding/pooling.ts';
import { TransformersEmbedder } from '../../src/embedding/transformers-embedder.ts';
import { runScript } from '../helpers/processes.ts';
import { niceOfThreads } from '../helpers/threads.ts';

const GNN_A =
  'Graph neural networks for recommendation: we propose a GNN that propagates embeddings over the user-item interaction graph for collaborative filtering.';
const GNN_B =
  'We present a graph convolutional approach to recommender systems that learns user and item representations by aggregating neighbours in the interaction graph.';
const COOKING =
  'Preheat the oven to 200 degrees, toss the vegetables with olive oil and garlic, and roast them for thirty minutes.';
const MT =
  'Neural machine translation for low-resource languages benefits from back-translation and multilingual pretraining.';

describe('the local all-MiniLM-L6-v2 model', () => {
  const config = loadConfig({});
  const options = {
    modelsDir: config.model.dir,
    modelName: config.model.name,
    batchSize: 1,
    intraOpThreads: 1,
  };
  const int8 = new TransformersEmbedder({ ...options, quantized: true });
  const fp32 = new TransformersEmbedder({ ...options, quantized: false });

  beforeAll(async () => {
    await Promise.all([int8.load(), fp32.load()]);
  });

  it('is set up idempotently: a second setup writes nothing', async () => {
    const again = await ensureModel(config.model.dir, config.model.name);
    expect(again.generated).toBe(false);
  });

  it('gives 384-dimensional unit-length vectors', async () => {
    for (const vector of await int8.embed([GNN_A, COOKING, 'x'])) {
      expect(vector).toHaveLength(384);
      expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 4);
    }
  });

  it('scores related abstracts clearly higher than unrelated ones', async () => {
    for (const embedder of [int8, fp32]) {
      const [a, b, cooking, mt] = await embedder.embed([GNN_A, GNN_B, COOKING, MT]);
      expect(cosine(a!, b!)).toBeGreaterThan(0.55);
      expect(cosine(a!, cooking!)).toBeLessThan(0.15);
      expect(cosine(a!, b!) - cosine(a!, mt!)).toBeGreaterThan(0.3);
    }
  });

  it('gives the same vector for the same text, whatever else is embedded with it', async () => {
    // int8 runs one text per call (the default batch size): dynamic quantisation scales a whole batch
    // together, so a text's int8 vector would otherwise depend on its batch companions.
    const [alone] = await int8.embed([GNN_A]);
    const together = await int8.embed([COOKING, GNN_A, MT.repeat(20)]);
    expect(Array.from(together[1]!)).toEqual(Array.from(alone!));
    // fp32 batches are padded; padding is masked out of attention and pooling.
    const fp32Batched = new TransformersEmbedder({ ...options, quantized: false, batchSize: 8 });
    const [fpAlone] = await fp32.embed([GNN_A]);
    const fpBatch = await fp32Batched.embed([COOKING, GNN_A, MT.repeat(20)]);
    expect(cosine(fpAlone!, fpBatch[1]!)).toBeGreaterThan(0.9999);
  });

  it('when a text is 2,000 tokens long, then it embeds like its first 256 tokens', async () => {
    // The first few hundred tokens are about graph recommendation, the rest about cooking: without
    // truncation at 256 tokens the vector would drift toward cooking.
    const long = `${GNN_A} `.repeat(10) + `${COOKING} `.repeat(90);
    const { tokenizer } = await fp32.load();
    const ids = tokenizer.encode(long) as number[];
    expect(ids.length).toBeGreaterThan(2000);
    // [CLS] + 254 tokens + [SEP] is what the model sees.
    const head = tokenizer.decode(ids.slice(1, 255), { skip_special_tokens: true });
    const [ofLong, ofHead, ofCooking] = await fp32.embed([long, head, COOKING]);
    expect(cosine(ofLong!, ofHead!)).toBeGreaterThan(0.99);
    expect(cosine(ofLong!, ofCooking!)).toBeLessThan(0.2);
  });

  it('quantised int8 vectors agree with fp32 ones', async () => {
    const texts = [GNN_A, GNN_B, COOKING, MT];
    const [q, f] = await Promise.all([int8.embed(texts), fp32.embed(texts)]);
    const mean = texts.reduce((sum, _, i) => sum + cosine(q[i]!, f[i]!), 0) / texts.length;
    expect(mean).toBeGreaterThan(0.98);
  });

  it('when a pool embeds for a bulk job, then its threads run 5 nice steps below the event loop', async () => {
    const before = niceOfThreads();
    const pool = new PooledEmbedder({ ...options, quantized: true, threads: 2, queueMax: 16 });
    try {
      await pool.embed([GNN_A, GNN_B, COOKING, MT]);
      const eventLoop = getPriority();
      expect(before.every((nice) => nice === eventLoop)).toBe(true);
      expect(niceOfThreads().filter((nice) => nice === eventLoop + 5).length).toBeGreaterThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });
});

describe('the embedding cache', () => {
  /** Counts the texts that reach the model. */
  class CountingEmbedder {
    readonly dimension = 384;
    readonly modelVersion = 'counting-test';
    embedded = 0;
    constructor(private readonly inner: TransformersEmbedder) {}
    async embed(texts: string[]) {
      this.embedded += texts.length;
      return this.inner.embed(texts);
    }
  }
  const config = loadConfig({});
  const model = new TransformersEmbedder({
    modelsDir: config.model.dir,
    modelName: config.model.name,
    quantized: true,
    batchSize: 4,
    intraOpThreads: 1,
  });

  it('when a second cache is opened on a folder while the first one writes to it, then neither waits for the other for good', () => {
    // lmdb opens a store inside a synchronous write transaction; the first cache's write held the
    // folder's lock until this thread ran its callback, so the second open blocked the process for good
    // (and every process on the folder with it: the CI's test workers hung in the embedding cache).
    expect(runScript('tests/helpers/cache-opened-during-write.ts', ['5'], 60_000)).toEqual({
      status: 0,
      signal: null,
      stdout: 'caches done',
    });
  }, 70_000);

  it('when vectors were embedded and the cache closed at once, then a new cache on the folder answers them without the model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'peerscout-embedding-cache-'));
    try {
      const first = new CountingEmbedder(model);
      const cache = new CachedEmbedder(first, dir);
      const vectors = await cache.embed([GNN_A, MT]);
      // Closed right away: the writes still under way must land before the database closes.
      await cache.close();
      expect(first.embedded).toBe(2);
      const second = new CountingEmbedder(model);
      const reopened = new CachedEmbedder(second, dir);
      const again = await reopened.embed([MT, GNN_A, COOKING]);
      await reopened.close();
      expect(second.embedded).toBe(1);
      expect(Array.from(again[0]!)).toEqual(Array.from(vectors[1]!));
      expect(Array.from(again[1]!)).toEqual(Array.from(vectors[0]!));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
