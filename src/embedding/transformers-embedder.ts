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

/** Vectors of different versions are never mixed (caches, index snapshots). */
export function modelVersionOf(options: Pick<TransformersOptions, 'modelName' | 'quantized'>): string {
  return `${options.modelName}:${options.quantized ? 'int8' : 'fp32'}:mean:256`;
}

type Loaded = { tokenizer: PreTrainedTokenizer; session: ort.InferenceSession };

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
      const inputs = tokenizer(
        slice.map((i) => texts[i]!),
        { padding: true, truncation: true },
      );
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) {
        const tensor = inputs[name];
        feeds[name] = new ort.Tensor('int64', tensor.data as BigInt64Array, tensor.dims as number[]);
      }
      const hidden = (await session.run(feeds)).last_hidden_state!;
      const [batch, seqLen, dim] = hidden.dims as [number, number, number];
      const vectors = meanPoolNormalized(
        hidden.data as Float32Array,
        inputs.attention_mask.data,
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
