import { describe, expect, it } from 'vitest';
import { cosine, l2Normalize, meanPoolNormalized } from '../../src/embedding/pooling.ts';

describe('mean pooling with normalisation', () => {
  it('averages only the tokens whose attention mask is 1, then scales to unit length', () => {
    // batch 1, 3 tokens, dim 2; the third token is padding and must not count.
    const hidden = Float32Array.from([1, 0, 3, 0, 100, 100]);
    const [vector] = meanPoolNormalized(hidden, [1n, 1n, 0n], 1, 3, 2);
    expect(Array.from(vector!)).toEqual([1, 0]);
  });

  it('pools each sequence of a batch separately', () => {
    const hidden = Float32Array.from([3, 4, 0, 0, 0, 2, 0, 4]);
    const vectors = meanPoolNormalized(hidden, [1, 0, 1, 1], 2, 2, 2);
    expect(Array.from(vectors[0]!).map((v) => Number(v.toFixed(6)))).toEqual([0.6, 0.8]);
    expect(Array.from(vectors[1]!)).toEqual([0, 1]);
  });

  it('gives unit-length vectors whose self-cosine is 1', () => {
    const v = l2Normalize(Float32Array.from([2, -3, 6]));
    expect(cosine(v, v)).toBeCloseTo(1, 6);
  });

  it('leaves a zero vector at zero instead of dividing by zero', () => {
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
