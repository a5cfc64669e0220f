/** Turns texts into unit-length sentence vectors. */
export interface Embedder {
  readonly dimension: number;
  /** A name for the model and its settings; vectors from different versions are never mixed. */
  readonly modelVersion: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}
