/** Scales a vector to unit length in place (a zero vector stays zero). */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  return vector;
}

/**
 * Mean of the token vectors of one sequence over the positions whose attention mask is 1,
 * then L2-normalised: the sentence-transformers pooling of all-MiniLM-L6-v2.
 * `hidden` is [batch, seqLen, dim] flattened; `mask` is [batch, seqLen].
 */
export function meanPoolNormalized(
  hidden: Float32Array,
  mask: ArrayLike<number | bigint>,
  batch: number,
  seqLen: number,
  dim: number,
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const vector = new Float32Array(dim);
    let count = 0;
    for (let t = 0; t < seqLen; t++) {
      if (Number(mask[b * seqLen + t]) === 0) continue;
      count += 1;
      const offset = (b * seqLen + t) * dim;
      for (let d = 0; d < dim; d++) vector[d] = vector[d]! + hidden[offset + d]!;
    }
    if (count > 0) for (let d = 0; d < dim; d++) vector[d] = vector[d]! / count;
    out.push(l2Normalize(vector));
  }
  return out;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}
