import { createHash } from 'node:crypto';
import { open, type RootDatabase } from 'lmdb';
import type { Embedder } from './embedder.ts';

/**
 * Keeps every vector on disk (LMDB, shared safely by several processes) keyed by model version and
 * a hash of the text, so re-importing or re-evaluating the same papers never embeds them twice.
 */
export class CachedEmbedder implements Embedder {
  readonly dimension: number;
  readonly modelVersion: string;
  private readonly db: RootDatabase<Buffer, string>;
  /** Cache writes under way: a request does not wait for its vector to reach the disk. */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: Embedder,
    cacheDir: string,
  ) {
    this.dimension = inner.dimension;
    this.modelVersion = inner.modelVersion;
    this.db = open<Buffer, string>({ path: cacheDir, encoding: 'binary', compression: false });
  }

  private key(text: string): string {
    return `${this.modelVersion}:${createHash('sha256').update(text).digest('base64url')}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const keys = texts.map((text) => this.key(text));
    const result: (Float32Array | undefined)[] = keys.map((key) => {
      const bytes = this.db.getBinary(key);
      return bytes ? new Float32Array(new Uint8Array(bytes).buffer) : undefined;
    });
    const missing = result.flatMap((vector, i) => (vector ? [] : [i]));
    if (missing.length > 0) {
      const fresh = await this.inner.embed(missing.map((i) => texts[i]!));
      missing.forEach((index, j) => {
        result[index] = fresh[j]!;
      });
      // A write that fails costs only a later embedding of the same text, never this answer.
      const written = this.db
        .transaction(() => {
          missing.forEach((index, j) => {
            this.db.put(
              keys[index]!,
              Buffer.from(fresh[j]!.buffer, fresh[j]!.byteOffset, fresh[j]!.byteLength),
            );
          });
        })
        .catch(() => undefined)
        .finally(() => this.writing.delete(written));
      this.writing.add(written);
    }
    return result as Float32Array[];
  }

  async close(): Promise<void> {
    await Promise.all(this.writing);
    await this.db.close();
  }
}
