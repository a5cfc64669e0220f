import type { IngestStatus, Paper, PaperWithTerms } from '../domain/paper.ts';
import { ownReferenceKeys, referenceKeys } from '../domain/references.ts';
import { CHANGE_PARTITIONS, type Keys } from './keys.ts';
import { PaperProjection, PROJECTION_LEASE_MS } from './paper-projection.ts';
import { markPaperDeletedScript, writePaperScript } from './paper-scripts.ts';
import { pipelined, type Redis } from './redis.ts';

export type PaperWrite = {
  paper: Paper;
  vector: Float32Array;
  contentHash: string;
  textHash: string;
  /** The paper's distinct terms, counted in the store's document frequencies. */
  terms: string[];
};

/** What a vector index needs to know of a paper to filter search results. */
export type PaperIndexEntry = {
  id: string;
  vector: Float32Array;
  year: number;
  venue: string;
  authorIds: string[];
};

/**
 * A paper written or deleted, or a collaboration accepted (id "a|b"): what the indexes apply, in the
 * order of its stream (every change of one paper is on the same stream).
 */
export type PaperChange = { streamId: string; op: 'upsert' | 'delete' | 'collaborate'; id: string };

function vectorFromBuffer(buffer: Buffer): Float32Array {
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

function vectorToBuffer(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

type ScriptCommands = {
  peerscoutWritePaper(...args: (string | Buffer)[]): Promise<IngestStatus | 'repair'>;
  peerscoutMarkPaperDeleted(...args: string[]): Promise<number>;
};

/** The streams an index follows: one per change partition, then the accepted collaborations. */
export const CHANGE_STREAMS = CHANGE_PARTITIONS + 1;

/** How old a pending write must be before the reconcile step treats its writer as dead. */
export const RECONCILE_GRACE_MS = PROJECTION_LEASE_MS * 3;

export class PaperRepository {
  private readonly scripts: ScriptCommands;
  private readonly projection: PaperProjection;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    streamMaxLen: number,
  ) {
    // defineCommand sends each script once and then calls it by its SHA (EVALSHA).
    redis.defineCommand('peerscoutWritePaper', { numberOfKeys: 1, lua: writePaperScript });
    redis.defineCommand('peerscoutMarkPaperDeleted', { numberOfKeys: 1, lua: markPaperDeletedScript });
    this.scripts = redis as unknown as ScriptCommands;
    this.projection = new PaperProjection(redis, keys, streamMaxLen);
  }

  /**
   * Writes a paper: first the durable record that a write is under way, then the paper's own record
   * in one atomic step, then its links elsewhere (PaperProjection). A crash at any point leaves the
   * pending record, and the next write of the paper or the reconcile step finishes the work.
   */
  async upsert(write: PaperWrite): Promise<IngestStatus> {
    const { paper } = write;
    const state = {
      authors: paper.authors.map((a) => a.id),
      refs: referenceKeys(paper.references),
      own: ownReferenceKeys(paper),
    };
    const fields = {
      data: JSON.stringify(paper),
      contentHash: write.contentHash,
      textHash: write.textHash,
      authorIds: JSON.stringify(state.authors),
      terms: JSON.stringify(write.terms),
      year: String(paper.year),
      venue: paper.venue,
      referenceKeys: JSON.stringify(state.refs),
      ownKeys: JSON.stringify(state.own),
    };
    const payload = {
      contentHash: write.contentHash,
      state: JSON.stringify(state),
      fields: Object.entries(fields).flat(),
      now: new Date().toISOString(),
    };
    const token = await this.projection.begin(paper.id);
    const status = await this.scripts.peerscoutWritePaper(
      this.keys.paper(paper.id),
      JSON.stringify(payload),
      vectorToBuffer(write.vector),
    );
    if (status === 'unchanged' || (await this.projection.project(paper.id))) {
      await this.projection.end(paper.id, token);
    }
    return status === 'repair' ? 'unchanged' : status;
  }

  async delete(id: string): Promise<boolean> {
    const token = await this.projection.begin(id);
    const existed = (await this.scripts.peerscoutMarkPaperDeleted(this.keys.paper(id))) === 1;
    if (!existed || (await this.projection.project(id))) await this.projection.end(id, token);
    return existed;
  }

  /** Finishes the writes whose writers died (pending for longer than `graceMs`). */
  reconcile(graceMs = RECONCILE_GRACE_MS): Promise<{ repaired: number; waiting: number }> {
    return this.projection.reconcile(graceMs, CHANGE_PARTITIONS);
  }

  async getMany(ids: readonly string[]): Promise<(Paper | null)[]> {
    const data = await pipelined<string, string | null>(this.redis, ids, (p, id) =>
      p.hget(this.keys.paper(id), 'data'),
    );
    return data.map((json) => (json ? (JSON.parse(json) as Paper) : null));
  }

  /** Papers with the key phrases stored for them at ingest (what topic evidence is made of). */
  async getManyWithTerms(ids: string[]): Promise<(PaperWithTerms | null)[]> {
    const rows = await pipelined<string, (string | null)[]>(this.redis, ids, (p, id) =>
      p.hmget(this.keys.paper(id), 'data', 'terms'),
    );
    return rows.map(([data, terms]) =>
      data ? { ...(JSON.parse(data) as Paper), terms: terms ? (JSON.parse(terms) as string[]) : [] } : null,
    );
  }

  /** The key phrases stored for each paper at ingest, without the paper (null: no such paper). */
  async termsOf(ids: readonly string[]): Promise<(string[] | null)[]> {
    const rows = await pipelined<string, string | null>(this.redis, ids, (p, id) =>
      p.hget(this.keys.paper(id), 'terms'),
    );
    return rows.map((terms) => (terms ? (JSON.parse(terms) as string[]) : null));
  }

  async get(id: string): Promise<Paper | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  /** Content hashes of stored papers (null where a paper is absent), to skip unchanged re-imports. */
  contentHashes(ids: string[]): Promise<(string | null)[]> {
    return pipelined(this.redis, ids, (p, id) => p.hget(this.keys.paper(id), 'contentHash'));
  }

  /**
   * Content hashes of the papers whose write finished (null where a paper is absent or its links are
   * still being written), so that a re-import skips exactly the papers it need not write again.
   */
  async settledContentHashes(ids: string[]): Promise<(string | null)[]> {
    const rows = await pipelined<string, (string | null)[]>(this.redis, ids, (p, id) =>
      p.hmget(this.keys.paper(id), 'contentHash', 'dirty'),
    );
    return rows.map(([hash, dirty]) => (dirty ? null : (hash ?? null)));
  }

  async vectors(ids: string[]): Promise<(Float32Array | null)[]> {
    const bytes = await pipelined<string, Buffer | null>(this.redis, ids, (p, id) =>
      p.hgetBuffer(this.keys.paper(id), 'vector'),
    );
    return bytes.map((b) => (b ? vectorFromBuffer(b) : null));
  }

  async indexEntries(ids: string[]): Promise<(PaperIndexEntry | null)[]> {
    const rows = await pipelined<string, (Buffer | null)[]>(this.redis, ids, (p, id) =>
      p.hmgetBuffer(this.keys.paper(id), 'vector', 'year', 'venue', 'authorIds'),
    );
    return rows.map(([vector, year, venue, authorIds], i) => {
      if (!vector || !year || !authorIds) return null;
      return {
        id: ids[i]!,
        vector: vectorFromBuffer(vector),
        year: Number(year.toString()),
        venue: venue?.toString() ?? '',
        authorIds: JSON.parse(authorIds.toString()) as string[],
      };
    });
  }

  count(): Promise<number> {
    return this.redis.zcard(this.keys.papers());
  }

  /** How many papers contain each term (0 for unknown terms). */
  async documentFrequencies(terms: string[]): Promise<Map<string, number>> {
    if (terms.length === 0) return new Map();
    const counts = await this.redis.hmget(this.keys.termDocumentFrequency(), ...terms);
    return new Map(terms.map((term, i) => [term, Number(counts[i] ?? 0)]));
  }

  /** Paper ids in id order, for paging and for walking the whole store. */
  listIds(offset: number, limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.papers(), offset, offset + limit - 1);
  }

  private streamKey(stream: number): string {
    return stream < CHANGE_PARTITIONS ? this.keys.paperChanges(stream) : this.keys.collaborationChanges();
  }

  private streams(): number[] {
    return Array.from({ length: CHANGE_STREAMS }, (_, stream) => stream);
  }

  /** The id of the newest change of each stream ('0-0' for one without any). */
  async latestChangeIds(): Promise<string[]> {
    const newest = await pipelined<number, [string, string[]][]>(this.redis, this.streams(), (p, stream) =>
      p.xrevrange(this.streamKey(stream), '+', '-', 'COUNT', 1),
    );
    return newest.map((entries) => entries[0]?.[0] ?? '0-0');
  }

  /** Up to `count` changes of each stream after its position (positions[stream]). */
  async changesAfter(positions: readonly string[], count: number): Promise<PaperChange[][]> {
    const pages = await pipelined<number, [string, string[]][]>(this.redis, this.streams(), (p, stream) =>
      p.xrange(this.streamKey(stream), `(${positions[stream] ?? '0-0'}`, '+', 'COUNT', count),
    );
    return pages.map((entries) =>
      entries.map(([entryId, fields]) => {
        const record: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
        const op = record.op === 'delete' || record.op === 'collaborate' ? record.op : 'upsert';
        return { streamId: entryId, op, id: record.id ?? '' };
      }),
    );
  }

  /** For each stream, the highest change id ever trimmed from it; an index older than it missed changes. */
  async maxTrimmedChangeIds(): Promise<string[]> {
    return Promise.all(
      this.streams().map(async (stream) => {
        try {
          const info = (await this.redis.call('XINFO', 'STREAM', this.streamKey(stream))) as unknown[];
          for (let i = 0; i + 1 < info.length; i += 2) {
            if (info[i] === 'max-deleted-entry-id') return String(info[i + 1]);
          }
          return '0-0';
        } catch {
          return '0-0'; // no stream yet
        }
      }),
    );
  }

  /** A random id created with the store; an index saved under another epoch belongs to other data. */
  async epoch(): Promise<string> {
    const candidate = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    await this.redis.set(this.keys.epoch(), candidate, 'NX');
    return (await this.redis.get(this.keys.epoch())) ?? candidate;
  }
}
