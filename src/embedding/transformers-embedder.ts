import {
  AutoModel,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@xenova/transformers';
import type { Embedder } from './embedder.ts';
import { meanPoolNormalized } from './pooling.ts';

export type TransformersOptions = {
  modelsDir: string;
  modelName: string;
  quantized: boolean;
  batchSize: number;
};

export const MODEL_DIMENSION = 384;

/** Vectors of different versions are never mixed (caches, index snapshots). */
export function modelVersionOf(options: Pick<TransformersOptions, 'modelName' | 'quantized'>): string {
  return `${options.modelName}:${options.quantized ? 'int8' : 'fp32'}:mean:256`;
}

/** all-MiniLM-L6-v2 through transformers.js and onnxruntime-node, from the local models/ folder only. */
export class TransformersEmbedder implements Embedder {
  readonly dimension = MODEL_DIMENSION;
  readonly modelVersion: string;
  private loaded: Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> | null = null;

  constructor(private readonly options: TransformersOptions) {
    this.modelVersion = modelVersionOf(options);
  }

  /** Loads the tokenizer and the ONNX session once; later calls share the same promise. */
  load(): Promise<{ tokenizer: PreTrainedTokenizer; model: PreTrainedModel }> {
    if (!this.loaded) {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = `${this.options.modelsDir}/`;
      this.loaded = Promise.all([
        AutoTokenizer.from_pretrained(this.options.modelName),
        AutoModel.from_pretrained(this.options.modelName, { quantized: this.options.quantized }),
      ]).then(([tokenizer, model]) => ({ tokenizer, model }));
      this.loaded.catch(() => {
        this.loaded = null;
      });
    }
    return this.loaded;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { tokenizer, model } = await this.load();
    // Sorting by length keeps texts of similar length in one batch, so little padding is computed.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a]!.length - texts[b]!.length);
    const result = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += this.options.batchSize) {
      const slice = order.slice(start, start + this.options.batchSize);
      const inputs = tokenizer(
        slice.map((i) => texts[i]!),
        { padding: true, truncation: true },
      );
      const { last_hidden_state: hidden } = await model(inputs);
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
