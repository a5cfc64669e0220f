import { OnnxDataType, OnnxGraphBuilder } from './onnx-graph-builder.ts';
import type { SafetensorsFile, Tensor } from './safetensors.ts';

export type BertConfig = {
  hidden_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  intermediate_size: number;
  layer_norm_eps: number;
  hidden_act: string;
};

/** Transposes a Hugging Face Linear weight [out, in] into the [in, out] layout of MatMul(x, W). */
function transpose(tensor: Tensor): Tensor {
  const [rows, cols] = tensor.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = tensor.data[r * cols + c]!;
  }
  return { shape: [cols, rows], data: out };
}

/**
 * Symmetric per-output-column int8 quantisation of an [in, out] weight: each column j gets
 * scale_j = max|W[:, j]| / 127 and zero point 0, which keeps small columns precise.
 */
function quantizePerColumn(weight: Tensor): { q: Int8Array; scales: Float32Array } {
  const [rows, cols] = weight.shape as [number, number];
  const scales = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let max = 0;
    for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(weight.data[r * cols + c]!));
    scales[c] = max > 0 ? max / 127 : 1;
  }
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(weight.data[r * cols + c]! / scales[c]!)));
    }
  }
  return { q, scales };
}

/**
 * Writes the BERT encoder (inputs input_ids, attention_mask, token_type_ids; output last_hidden_state)
 * as an opset-17 ONNX graph with fp32 weights, or with dynamically quantised int8 MatMul weights.
 */
export function buildBertOnnx(weights: SafetensorsFile, config: BertConfig, quantized: boolean): Uint8Array {
  if (config.hidden_act !== 'gelu') throw new Error(`unsupported activation ${config.hidden_act}`);
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;
  const g = new OnnxGraphBuilder(17);
  const eps = { float: config.layer_norm_eps };
  const weight = (name: string) => {
    const t = weights.float32(name);
    return g.constant(name, t.shape, t.data);
  };

  const linear = (x: string, prefix: string): string => {
    const w = transpose(weights.float32(`${prefix}.weight`));
    const bias = weight(`${prefix}.bias`);
    if (!quantized)
      return g.op('Add', [g.op('MatMul', [x, g.constant(`${prefix}.weight_t`, w.shape, w.data)]), bias]);
    const { q, scales } = quantizePerColumn(w);
    const qw = g.constant(`${prefix}.weight_q`, w.shape, q);
    const wScale = g.constant(`${prefix}.weight_scale`, [w.shape[1]!], scales);
    const [xq, xScale, xZero] = g.opMulti('DynamicQuantizeLinear', [x], 3) as [string, string, string];
    const product = g.op('Cast', [g.op('MatMulInteger', [xq, qw, xZero])], { to: OnnxDataType.FLOAT });
    const scaled = g.op('Mul', [g.op('Mul', [product, xScale]), wScale]);
    return g.op('Add', [scaled, bias]);
  };
  const layerNorm = (x: string, prefix: string) =>
    g.op('LayerNormalization', [x, weight(`${prefix}.weight`), weight(`${prefix}.bias`)], {
      axis: -1,
      epsilon: eps,
    });

  // Embeddings: word + position (0..S-1) + token type, then LayerNorm.
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.int64s('one_index', [1])], { axis: 0 });
  const positions = g.op('Range', [
    g.constant('zero_i64', [], BigInt64Array.of(0n)),
    g.op('Squeeze', [seqLen, g.int64s('axes_0', [0])]),
    g.constant('one_i64', [], BigInt64Array.of(1n)),
  ]);
  const words = g.op('Gather', [weight('embeddings.word_embeddings.weight'), 'input_ids']);
  const pos = g.op('Gather', [weight('embeddings.position_embeddings.weight'), positions]);
  const types = g.op('Gather', [weight('embeddings.token_type_embeddings.weight'), 'token_type_ids']);
  let x = layerNorm(g.op('Add', [g.op('Add', [words, pos]), types]), 'embeddings.LayerNorm');

  // Additive attention bias [B,1,1,S]: 0 where the mask is 1, a large negative number on padding.
  const maskFloat = g.op('Cast', ['attention_mask'], { to: OnnxDataType.FLOAT });
  const mask4d = g.op('Unsqueeze', [maskFloat, g.int64s('axes_1_2', [1, 2])]);
  const attentionBias = g.op('Mul', [
    g.op('Sub', [g.scalarFloat('one_f', 1), mask4d]),
    g.scalarFloat('mask_negative', -1e9),
  ]);
  const splitHeads = g.int64s('split_heads_shape', [0, 0, heads, headSize]);
  const mergeHeads = g.int64s('merge_heads_shape', [0, 0, hidden]);
  const scale = g.scalarFloat('attention_scale', 1 / Math.sqrt(headSize));
  const sqrtHalf = g.scalarFloat('sqrt_half', Math.SQRT1_2);
  const half = g.scalarFloat('half', 0.5);

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const heads4d = (name: string) => g.op('Reshape', [linear(x, `${p}.attention.self.${name}`), splitHeads]);
    const q = g.op('Transpose', [heads4d('query')], { perm: [0, 2, 1, 3] });
    const k = g.op('Transpose', [heads4d('key')], { perm: [0, 2, 3, 1] });
    const v = g.op('Transpose', [heads4d('value')], { perm: [0, 2, 1, 3] });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, k]), scale]), attentionBias]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] }),
      mergeHeads,
    ]);
    const attended = layerNorm(
      g.op('Add', [linear(context, `${p}.attention.output.dense`), x]),
      `${p}.attention.output.LayerNorm`,
    );
    const inner = linear(attended, `${p}.intermediate.dense`);
    // GELU, erf form: 0.5 * x * (1 + erf(x / sqrt(2))).
    const gelu = g.op('Mul', [
      g.op('Mul', [inner, half]),
      g.op('Add', [g.op('Erf', [g.op('Mul', [inner, sqrtHalf])]), g.scalarFloat(`${p}.one`, 1)]),
    ]);
    const output = layerNorm(
      g.op('Add', [linear(gelu, `${p}.output.dense`), attended]),
      `${p}.output.LayerNorm`,
    );
    x = output;
  }
  g.op('Identity', [x], {}, 'last_hidden_state');

  const dims = ['batch_size', 'sequence_length'];
  return g.encode({
    producer: 'peerscout-model-setup',
    inputs: [
      { name: 'input_ids', dims, type: OnnxDataType.INT64 },
      { name: 'attention_mask', dims, type: OnnxDataType.INT64 },
      { name: 'token_type_ids', dims, type: OnnxDataType.INT64 },
    ],
    outputs: [{ name: 'last_hidden_state', dims: [...dims, hidden], type: OnnxDataType.FLOAT }],
  });
}
