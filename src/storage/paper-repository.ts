import type { IngestStatus, Paper, PaperWithTerms } from '../domain/paper.ts';
import { ownReferenceKeys, referenceKeys } from '../domain/references.ts';
import type { Keys } from './keys.ts';
import { deletePaperScript, upsertPaperScript } from './paper-scripts.ts';
import { pipelined, type Redis } from './redis.ts';
import { nameTokens } from './researcher-names.ts';

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

/** A paper written or deleted, or a collaboration accepted (id "a|b"): what the indexes apply in order. */
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
  peerscoutUpsertPaper(...args: (string | number | Buffer)[]): Promise<IngestStatus>;
  peerscoutDeletePaper(...args: (string | number)[]): Promise<number>;
};

export class PaperRepository {
  private readonly prefixes: string;
  private readonly scripts: ScriptCommands;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly streamMaxLen: number,
  ) {
    this.prefixes = JSON.stringify(keys.luaKeyPrefixes);
    // defineCommand sends each script once and then calls it by its SHA (EVALSHA).
    redis.defineCommand('peerscoutUpsertPaper', { numberOfKeys: 6, lua: upsertPaperScript });
    redis.defineCommand('peerscoutDeletePaper', { numberOfKeys: 4, lua: deletePaperScript });
    this.scripts = redis as unknown as ScriptCommands;
  }

  async upsert(write: PaperWrite): Promise<IngestStatus> {
    const { paper } = write;
    const payload = {
      id: paper.id,
      data: JSON.stringify(paper),
      contentHash: write.contentHash,
      textHash: write.textHash,
      authorIdsJson: JSON.stringify(paper.authors.map((a) => a.id)),
      termsJson: JSON.stringify(write.terms),
      year: paper.year,
      venue: paper.venue,
      referenceKeysJson: JSON.stringify(referenceKeys(paper.references)),
      ownKeysJson: JSON.stringify(ownReferenceKeys(paper)),
      now: new Date().toISOString(),
      streamMaxLen: this.streamMaxLen,
      authors: paper.authors.map((a) => ({
        id: a.id,
        name: a.name,
        affiliation: a.affiliation || undefined,
        nameTokens: nameTokens(a.name),
      })),
    };
    return this.scripts.peerscoutUpsertPaper(
      this.keys.paper(paper.id),
      this.keys.papers(),
      this.keys.paperChanges(),
      this.keys.researchers(),
      this.keys.researcherNames(),
      this.keys.termDocumentFrequency(),
      this.prefixes,
      JSON.stringify(payload),
      vectorToBuffer(write.vector),
    );
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.scripts.peerscoutDeletePaper(
      this.keys.paper(id),
      this.keys.papers(),
      this.keys.paperChanges(),
      this.keys.termDocumentFrequency(),
      this.prefixes,
      id,
      this.streamMaxLen,
    );
    return deleted === 1;
  }

  async getMany(ids: string[]): Promise<(Paper | null)[]> {
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

  async get(id: string): Promise<Paper | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  /** Content hashes of stored papers (null where a paper is absent), to skip unchanged re-imports. */
  contentHashes(ids: string[]): Promise<(string | null)[]> {
    return pipelined(this.redis, ids, (p, id) => p.hget(this.keys.paper(id), 'contentHash'));
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

  /** The id of the newest change, or '0-0' when there is none. */
  async latestChangeId(): Promise<string> {
    const [entry] = await this.redis.xrevrange(this.keys.paperChanges(), '+', '-', 'COUNT', 1);
    return entry?.[0] ?? '0-0';
  }

  async changesAfter(streamId: string, count: number): Promise<PaperChange[]> {
    const entries = await this.redis.xrange(this.keys.paperChanges(), `(${streamId}`, '+', 'COUNT', count);
    return entries.map(([entryId, fields]) => {
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
      const op = record.op === 'delete' || record.op === 'collaborate' ? record.op : 'upsert';
      return { streamId: entryId, op, id: record.id ?? '' };
    });
  }

  /** The highest change id ever trimmed from the stream; an index older than it missed changes. */
  async maxTrimmedChangeId(): Promise<string> {
    try {
      const info = (await this.redis.call('XINFO', 'STREAM', this.keys.paperChanges())) as unknown[];
      for (let i = 0; i + 1 < info.length; i += 2) {
        if (info[i] === 'max-deleted-entry-id') return String(info[i + 1]);
      }
      return '0-0';
    } catch {
      return '0-0'; // no stream yet
    }
  }

  /** A random id created with the store; an index saved under another epoch belongs to other data. */
  async epoch(): Promise<string> {
    const candidate = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    await this.redis.set(this.keys.epoch(), candidate, 'NX');
    return (await this.redis.get(this.keys.epoch())) ?? candidate;
  }
}
