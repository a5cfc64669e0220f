import { createHash } from 'node:crypto';
import path from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { Embedder } from './embedder.ts';

type Cache = RootDatabase<Buffer, string>;

/** The cache folders (absolute paths) this thread has open, each with how many CachedEmbedders use it. */
const openCaches = new Map<string, { db: Cache; users: number }>();

/**
 * Opens a cache folder once per thread, shared by every CachedEmbedder on it. lmdb opens a store
 * inside a synchronous write transaction; an asynchronous write of another store on the same folder
 * holds the folder's write lock until this thread runs its callback, so a second open while such a
 * write was under way blocked this thread for good, and with it every process using the folder.
 */
function openCache(folder: string): Cache {
  let opened = openCaches.get(folder);
  if (!opened) {
    opened = { db: open<Buffer, string>({ path: folder, encoding: 'binary', compression: false }), users: 0 };
    openCaches.set(folder, opened);
  }
  opened.users += 1;
  return opened.db;
}

/** Closes the folder once its last user lets it go (each user's writes have landed by then). */
async function releaseCache(folder: string): Promise<void> {
  const opened = openCaches.get(folder);
  if (!opened) return;
  opened.users -= 1;
  if (opened.users > 0) return;
  openCaches.delete(folder);
  await opened.db.close();
}

/**
 * Keeps every vector on disk (LMDB, shared safely by several processes) keyed by model version and
 * a hash of the text, so re-importing or re-evaluating the same papers never embeds them twice.
 */
export class CachedEmbedder implements Embedder {
  readonly dimension: number;
  readonly modelVersion: string;
  private readonly db: Cache;
  /** Cache writes under way: a request does not wait for its vector to reach the disk. */
  private readonly writing = new Set<Promise<unknown>>();
  /** Whether this one has let go of the shared folder (closing twice lets go once). */
  private closed = false;
  /** The cache folder as an absolute path: one folder named two ways is still opened once. */
  private readonly folder: string;

  constructor(
    private readonly inner: Embedder,
    cacheDir: string,
  ) {
    this.dimension = inner.dimension;
    this.modelVersion = inner.modelVersion;
    this.folder = path.resolve(cacheDir);
    this.db = openCache(this.folder);
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
    if (this.closed) return;
    this.closed = true;
    await releaseCache(this.folder);
  }
}
