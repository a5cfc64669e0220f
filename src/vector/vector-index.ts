import fs from 'node:fs/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;

export type HnswSettings = { m: number; efConstruction: number; efSearch: number };
export type SearchHit = { id: string; score: number };
export type SearchFilter<M> = (id: string, meta: M) => boolean;

type Sidecar<M> = {
  version: 2;
  dimension: number;
  ids: (string | null)[];
  slots: ({ meta: M } | null)[];
  state: unknown;
};

/** Below this many matching items a filtered search is answered exactly, by brute force. */
const EXACT_SEARCH_MAX_MATCHES = 2000;
/**
 * Items a filter is tried on to estimate how many it lets through. Counting them all would be O(N)
 * JavaScript per query (at 100k papers it dominated similar-paper search); a wrong estimate only
 * costs speed, never results: a short HNSW answer widens ef and ends in an exact search.
 */
const FILTER_SAMPLE = 512;
/** Filters that pass at least this share of the items are applied after an unfiltered search. */
const POST_FILTER_MIN_SHARE = 0.5;
/** Items asked for beyond the expected need when filtering afterwards. */
const POST_FILTER_SPARE = 8;
const INITIAL_CAPACITY = 1024;

/**
 * An hnswlib cosine index of string ids with per-item metadata for filtering. Labels are local to
 * this index; a deleted item keeps its label so that re-adding it reuses the slot.
 */
export class VectorIndex<M> {
  private hnsw: InstanceType<typeof HierarchicalNSW>;
  /** Why the last load() found no usable snapshot; null after one that loaded. */
  loadProblem: string | null = null;
  private ids: (string | null)[] = [];
  /** Per label: the item's metadata, or null once the item is removed. */
  private slots: ({ meta: M } | null)[] = [];
  private readonly labels = new Map<string, number>();
  private live = 0;
  /** Unit vectors by label, row after row: exact search and vector reads without crossing into hnswlib. */
  private vectors = new Float32Array(0);

  constructor(
    readonly dimension: number,
    private readonly settings: HnswSettings,
  ) {
    this.hnsw = this.emptyIndex(INITIAL_CAPACITY);
  }

  private emptyIndex(capacity: number) {
    const index = new HierarchicalNSW('cosine', this.dimension);
    index.initIndex({
      maxElements: capacity,
      m: this.settings.m,
      efConstruction: this.settings.efConstruction,
    });
    index.setEf(this.settings.efSearch);
    return index;
  }

  get size(): number {
    return this.live;
  }

  metaOf(id: string): M | undefined {
    const label = this.labels.get(id);
    return label === undefined ? undefined : this.slots[label]?.meta;
  }

  /** The stored unit vector (a view: do not modify). */
  vectorOf(id: string): Float32Array | undefined {
    const label = this.labels.get(id);
    if (label === undefined || !this.slots[label]) return undefined;
    return this.row(label);
  }

  private row(label: number): Float32Array {
    return this.vectors.subarray(label * this.dimension, (label + 1) * this.dimension);
  }

  private storeVector(label: number, vector: Float32Array | number[]): void {
    const needed = (label + 1) * this.dimension;
    if (needed > this.vectors.length) {
      const grown = new Float32Array(
        Math.max(needed, this.vectors.length * 2, INITIAL_CAPACITY * this.dimension),
      );
      grown.set(this.vectors);
      this.vectors = grown;
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    const row = this.row(label);
    for (let d = 0; d < this.dimension; d++) row[d] = vector[d]! / norm;
  }

  upsert(id: string, vector: Float32Array, meta: M): void {
    if (vector.length !== this.dimension) throw new Error(`vector of ${id} has ${vector.length} dimensions`);
    let label = this.labels.get(id);
    if (label === undefined) {
      label = this.ids.length;
      if (label >= this.hnsw.getMaxElements()) this.hnsw.resizeIndex(Math.max(INITIAL_CAPACITY, label * 2));
      this.ids.push(id);
      this.slots.push(null);
      this.labels.set(id, label);
    }
    if (!this.slots[label]) this.live += 1;
    // addPoint on an existing label replaces its vector and, when it was deleted, revives it.
    this.hnsw.addPoint(Array.from(vector), label);
    this.storeVector(label, vector);
    this.slots[label] = { meta };
  }

  remove(id: string): boolean {
    const label = this.labels.get(id);
    if (label === undefined || !this.slots[label]) return false;
    this.hnsw.markDelete(label);
    this.slots[label] = null;
    this.live -= 1;
    return true;
  }

  /**
   * The `limit` nearest items that pass `filter`, by cosine similarity. A filtered search never
   * returns fewer than `limit` items while more matches exist: it widens ef when HNSW comes back
   * short and answers exactly when few items match.
   */
  search(vector: Float32Array, limit: number, filter?: SearchFilter<M>): SearchHit[] {
    if (limit <= 0 || this.live === 0) return [];
    const accepts = (label: number): boolean => {
      const slot = this.slots[label];
      if (!slot) return false;
      try {
        return filter ? filter(this.ids[label]!, slot.meta) : true;
      } catch {
        return false; // an exception inside hnswlib's callback would take the process down
      }
    };
    const query = Array.from(vector);
    let matches = this.live;
    if (filter) {
      matches = this.estimateMatches(accepts);
      if (matches <= Math.max(limit, EXACT_SEARCH_MAX_MATCHES))
        return this.exactSearch(vector, limit, accepts);
      if (matches >= this.live * POST_FILTER_MIN_SHARE) {
        const hits = this.postFilteredSearch(query, limit, matches, accepts);
        if (hits) return hits;
      }
    }
    const wanted = Math.min(limit, matches);
    for (let ef = Math.max(this.settings.efSearch, wanted); ; ef *= 4) {
      this.hnsw.setEf(ef);
      const result = filter
        ? this.hnsw.searchKnn(query, wanted, accepts)
        : this.hnsw.searchKnn(query, wanted);
      if (result.neighbors.length >= wanted || ef >= this.ids.length) {
        this.hnsw.setEf(this.settings.efSearch);
        if (result.neighbors.length < wanted) return this.exactSearch(vector, limit, accepts);
        return result.neighbors.map((label, i) => ({
          id: this.ids[label]!,
          score: 1 - result.distances[i]!,
        }));
      }
    }
  }

  /**
   * A filter that lets most items through (e.g. "not this paper") is applied to the answer of an
   * unfiltered search for a few more items than asked, instead of inside hnswlib, which calls back into
   * JavaScript for every item it visits (that callback was most of a similar-paper search). Null when
   * too few of the answer pass: the caller then filters inside the search.
   */
  private postFilteredSearch(
    query: number[],
    limit: number,
    matches: number,
    accepts: (label: number) => boolean,
  ): SearchHit[] | null {
    const expected = Math.ceil(limit / (matches / this.live)) + POST_FILTER_SPARE;
    // The items a filter leaves out can be the nearest ones (a paper's own authors' papers): one wider try.
    for (const wanted of [expected, expected * 4].map((n) => Math.min(this.live, n))) {
      this.hnsw.setEf(Math.max(this.settings.efSearch, wanted));
      const result = this.hnsw.searchKnn(query, wanted);
      this.hnsw.setEf(this.settings.efSearch);
      const hits: SearchHit[] = [];
      for (let i = 0; i < result.neighbors.length && hits.length < limit; i++) {
        const label = result.neighbors[i]!;
        if (accepts(label)) hits.push({ id: this.ids[label]!, score: 1 - result.distances[i]! });
      }
      if (hits.length >= limit || result.neighbors.length >= this.live) return hits;
    }
    return null;
  }

  /** How many items pass `accepts`: counted when the index is small, else estimated from an even sample. */
  private estimateMatches(accepts: (label: number) => boolean): number {
    const labels = this.ids.length;
    if (labels <= FILTER_SAMPLE * 4) {
      let matches = 0;
      for (let label = 0; label < labels; label++) if (accepts(label)) matches += 1;
      return matches;
    }
    const stride = labels / FILTER_SAMPLE;
    let accepted = 0;
    for (let i = 0; i < FILTER_SAMPLE; i++) if (accepts(Math.floor(i * stride))) accepted += 1;
    return Math.round((accepted / FILTER_SAMPLE) * labels);
  }

  /** Brute-force search over every live item: exact, for small or very selective searches and for benchmarks. */
  searchExact(vector: Float32Array, limit: number): SearchHit[] {
    return this.exactSearch(vector, limit, (label) => this.slots[label] != null);
  }

  private exactSearch(vector: Float32Array, limit: number, accepts: (label: number) => boolean): SearchHit[] {
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    const hits: SearchHit[] = [];
    const dim = this.dimension;
    const all = this.vectors;
    for (let label = 0; label < this.ids.length; label++) {
      if (!accepts(label)) continue;
      let dot = 0;
      for (let d = 0, offset = label * dim; d < dim; d++) dot += all[offset + d]! * vector[d]!;
      hits.push({ id: this.ids[label]!, score: dot / norm });
    }
    return hits.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  /** Every live item with its metadata. */
  *entries(): Generator<{ id: string; meta: M }> {
    for (let label = 0; label < this.ids.length; label++) {
      const slot = this.slots[label];
      if (slot) yield { id: this.ids[label]!, meta: slot.meta };
    }
  }

  /**
   * Writes a snapshot (hnsw file + JSON sidecar) under a fresh name, then points `current` at it with
   * an atomic rename, so processes saving and loading the same folder never mix two snapshots. Several
   * processes may save the same folder at once (the API and the worker share DATA_DIR under npm start):
   * the clean-up afterwards removes only this process's older snapshots and those of processes no longer
   * running, never the one `current` names nor another running writer's, which may be about to become it.
   */
  async save(dir: string, state: unknown): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
    const token = `${Date.now()}-${process.pid}`;
    await this.hnsw.writeIndex(path.join(dir, `index-${token}.bin`));
    const sidecar: Sidecar<M> = {
      version: 2,
      dimension: this.dimension,
      ids: this.ids,
      slots: this.slots,
      state,
    };
    await fs.writeFile(path.join(dir, `index-${token}.json`), JSON.stringify(sidecar));
    await fs.writeFile(path.join(dir, `current.${token}`), token);
    await fs.rename(path.join(dir, `current.${token}`), path.join(dir, 'current'));
    // Read again: another writer may have renamed its own snapshot into `current` since.
    const current = (await fs.readFile(path.join(dir, 'current'), 'utf8')).trim();
    for (const file of await fs.readdir(dir)) {
      const fileToken = /^index-(\d+-(\d+))\./.exec(file);
      if (!fileToken || fileToken[1] === token || fileToken[1] === current) continue;
      const writer = Number(fileToken[2]);
      if (writer === process.pid || !isRunning(writer)) await fs.rm(path.join(dir, file), { force: true });
    }
  }

  /**
   * Replaces this index with the saved snapshot; returns its state, or null when there is none or it
   * cannot be used (then `loadProblem` says which).
   */
  async load(dir: string): Promise<unknown | null> {
    let sidecar: Sidecar<M>;
    let indexFile: string;
    const problem = (text: string) => {
      this.loadProblem = text;
      return null;
    };
    let token: string;
    try {
      token = (await fs.readFile(path.join(dir, 'current'), 'utf8')).trim();
    } catch (error) {
      return problem(`no snapshot (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    try {
      indexFile = path.join(dir, `index-${token}.bin`);
      sidecar = JSON.parse(await fs.readFile(path.join(dir, `index-${token}.json`), 'utf8'));
      await fs.access(indexFile);
    } catch (error) {
      return problem(`snapshot ${token} unreadable: ${(error as Error).message.slice(0, 200)}`);
    }
    if (sidecar.version !== 2 || sidecar.dimension !== this.dimension)
      return problem(`snapshot ${token} of another format or dimension`);
    const index = new HierarchicalNSW('cosine', this.dimension);
    try {
      // Loaded the way emptyIndex() creates it: without replacement of deleted elements, so that
      // upsert() may revive a removed label (with replacement on, hnswlib refuses that).
      await index.readIndex(indexFile, false);
    } catch (error) {
      return problem(
        `snapshot ${token}: hnswlib could not read it: ${(error as Error).message.slice(0, 200)}`,
      );
    }
    if (index.getCurrentCount() !== sidecar.ids.length)
      return problem(
        `snapshot ${token}: its HNSW file holds ${index.getCurrentCount()} points, its ids ${sidecar.ids.length}`,
      );
    this.loadProblem = null;
    index.setEf(this.settings.efSearch);
    this.hnsw = index;
    this.ids = sidecar.ids;
    this.slots = sidecar.slots;
    this.labels.clear();
    this.live = 0;
    this.vectors = new Float32Array(0);
    sidecar.ids.forEach((id, label) => {
      if (id === null) return;
      this.labels.set(id, label);
      if (sidecar.slots[label]) {
        this.live += 1;
        this.storeVector(label, index.getPoint(label));
      }
    });
    return sidecar.state;
  }

  clear(): void {
    this.hnsw = this.emptyIndex(INITIAL_CAPACITY);
    this.vectors = new Float32Array(0);
    this.ids = [];
    this.slots = [];
    this.labels.clear();
    this.live = 0;
  }
}

/** Whether a process with this id runs on this machine (signal 0 checks without signalling). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
