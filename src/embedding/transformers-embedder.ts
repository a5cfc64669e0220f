import path from 'node:path';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@xenova/transformers';
import ort from 'onnxruntime-node';
import type { Embedder } from './embedder.ts';
import { meanPoolNormalized } from './pooling.ts';

export type TransformersOptions = {
  modelsDir: string;
  modelName: string;
  quantized: boolean;
  batchSize: number;
  /**
   * Threads of one ONNX session. On 2 cores two sessions of one thread each (a pool) beat one
   * session of two threads (docs/BENCHMARKS.md); 0 lets onnxruntime choose.
   */
  intraOpThreads: number;
};

export const MODEL_DIMENSION = 384;

/**
 * Vectors of different versions are never mixed (caches, index snapshots). The runtime's minor version
 * is part of it: the int8 kernels of onnxruntime 1.14 and 1.30 give vectors at cosine 0.998–0.999.
 */
export function modelVersionOf(options: Pick<TransformersOptions, 'modelName' | 'quantized'>): string {
  const runtime = ort.env.versions.node?.split('.').slice(0, 2).join('.') ?? 'unknown';
  return `${options.modelName}:${options.quantized ? 'int8' : 'fp32'}:mean:256:ort-${runtime}`;
}

type Loaded = { tokenizer: PreTrainedTokenizer; session: ort.InferenceSession };

/** Token ids, attention mask and token types of a batch, padded to its longest text, as int64 rows. */
export type TokenizedBatch = { inputs: Record<string, BigInt64Array>; dims: [number, number] };

/**
 * Tokenizes texts (padded to the longest, truncated at the model's 256 tokens) into plain int64 rows.
 * The tokenizer is asked for arrays, not its own tensors: those wrap the onnxruntime of transformers.js
 * 2's day and come out empty with the onnxruntime in use.
 */
export function tokenize(tokenizer: PreTrainedTokenizer, texts: string[]): TokenizedBatch {
  const encoded = tokenizer(texts, { padding: true, truncation: true, return_tensor: false }) as Record<
    string,
    number[][]
  >;
  const rows = encoded.input_ids!;
  const dims: [number, number] = [rows.length, rows[0]?.length ?? 0];
  const inputs: Record<string, BigInt64Array> = {};
  for (const [name, values] of Object.entries(encoded)) {
    inputs[name] = BigInt64Array.from(values.flat(), (v) => BigInt(v));
  }
  return { inputs, dims };
}

/**
 * all-MiniLM-L6-v2 from the local models/ folder only: transformers.js tokenizes, and the ONNX
 * session is ours (transformers.js 2 does not let its thread count be set).
 */
export class TransformersEmbedder implements Embedder {
  readonly dimension = MODEL_DIMENSION;
  readonly modelVersion: string;
  private loaded: Promise<Loaded> | null = null;

  constructor(private readonly options: TransformersOptions) {
    this.modelVersion = modelVersionOf(options);
  }

  /** Loads the tokenizer and the ONNX session once; later calls share the same promise. */
  load(): Promise<Loaded> {
    if (!this.loaded) {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = `${this.options.modelsDir}/`;
      const file = path.join(
        this.options.modelsDir,
        this.options.modelName,
        'onnx',
        this.options.quantized ? 'model_quantized.onnx' : 'model.onnx',
      );
      this.loaded = Promise.all([
        AutoTokenizer.from_pretrained(this.options.modelName),
        ort.InferenceSession.create(file, {
          intraOpNumThreads: this.options.intraOpThreads,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: 'all',
        }),
      ]).then(([tokenizer, session]) => ({ tokenizer, session }));
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    return this.loaded;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { tokenizer, session } = await this.load();
    // Sorting by length keeps texts of similar length in one batch, so little padding is computed.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const result = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.options.batchSize) {
      const slice = order.slice(start, start + this.options.batchSize);
      const { inputs, dims } = tokenize(
        tokenizer,
        slice.map((i) => texts[i]!),
      );
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) feeds[name] = new ort.Tensor('int64', inputs[name]!, dims);
      const hidden = (await session.run(feeds)).last_hidden_state!;
      const [batch, seqLen, dim] = hidden.dims as [number, number, number];
      const vectors = meanPoolNormalized(
        hidden.data as Float32Array,
        inputs.attention_mask!,
        batch,
        seqLen,
        dim,
      );
      slice.forEach((originalIndex, j) => {
        result[originalIndex] = vectors[j]!;
      });
    }
    return result;
  }
}
