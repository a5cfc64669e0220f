import type { PaperMeta } from '../domain/paper-filters.ts';
import type { Logger } from '../logger.ts';
import {
  CHANGE_STREAMS,
  type PaperIndexEntry,
  type PaperRepository,
  type PaperChange as StoredChange,
} from '../storage/paper-repository.ts';
import { isRedisUnavailable } from '../storage/redis.ts';
import { type HnswSettings, VectorIndex } from './vector-index.ts';

type SavedState = { epoch: string; positions: string[]; modelVersion: string };

export type PaperChange = { id: string; before?: PaperMeta; after?: PaperMeta };

/** An index computed from the paper index (e.g. researcher interests), kept in step with it. */
export interface DerivedPaperIndex {
  /** Recomputes everything from the paper index. */
  reset(papers: VectorIndex<PaperMeta>): Promise<void>;
  /** Applies changes that the paper index has just applied, and newly accepted collaborations. */
  apply(
    changes: PaperChange[],
    papers: VectorIndex<PaperMeta>,
    collaborations: [string, string][],
  ): Promise<void>;
  /** Loads a snapshot made at `changeId` (a version of the data); false when there is none for exactly that one. */
  load(changeId: string, papers: VectorIndex<PaperMeta>): Promise<boolean>;
  save(changeId: string): Promise<void>;
}

const REBUILD_PAGE = 1000;
const CHANGES_PAGE = 1000;

/** Compares Redis stream ids ("<ms>-<seq>") numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** Positions on every change stream before the first change. */
const START = (): string[] => Array.from({ length: CHANGE_STREAMS }, () => '0-0');

/**
 * The HNSW index of paper vectors, derived from Redis: loaded from its last snapshot, rebuilt when
 * the snapshot is missing or stale, and kept current by applying the change streams (one per
 * partition of the papers, one of accepted collaborations; a position on each), so that papers
 * written by any process become searchable here.
 */
export class PaperIndex {
  readonly index: VectorIndex<PaperMeta>;
  private positions = START();
  private epoch = '';
  private dirty = false;
  /** Index writes (changes, rebuilds, snapshots) run one at a time: hnswlib is not safe otherwise. */
  private queue: Promise<unknown> = Promise.resolve();
  private waitingCatchUp: Promise<number> | null = null;
  /**
   * Set while what is in memory is not a whole version of Redis (a rebuild under way or cut short, a
   * page of changes half-applied): the next pass rebuilds before it applies anything.
   */
  private needsRebuild = false;
  private timer: NodeJS.Timeout | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private readonly derived: DerivedPaperIndex[] = [];
  private changes = 0;

  constructor(
    private readonly papers: PaperRepository,
    settings: HnswSettings,
    private readonly options: { dir: string; modelVersion: string; dimension: number; logger: Logger },
  ) {
    this.index = new VectorIndex<PaperMeta>(options.dimension, settings);
  }

  /** Keeps another index in step with this one; attach before open(). */
  attach(derived: DerivedPaperIndex): void {
    this.derived.push(derived);
  }

  /** Loads the snapshot or rebuilds from Redis, then applies every change made since. */
  async open(): Promise<{ rebuilt: boolean }> {
    this.needsRebuild = false;
    this.epoch = await this.papers.epoch();
    this.changes += 1;
    const state = (await this.index.load(this.options.dir)) as SavedState | null;
    const trimmed = await this.papers.maxTrimmedChangeIds();
    const unusable = whySnapshotUnusable(state, {
      loadProblem: this.index.loadProblem,
      epoch: this.epoch,
      modelVersion: this.options.modelVersion,
      trimmed,
    });
    // Said whenever a start rebuilds, so a slow start can be told from a missing or stale snapshot.
    if (unusable) this.options.logger.info({ reason: unusable }, 'paper index snapshot not used');
    if (state && !unusable) {
      try {
        this.positions = [...state.positions];
        for (const derived of this.derived) {
          if (!(await derived.load(this.lastAppliedChange, this.index))) await derived.reset(this.index);
        }
        await this.catchUp();
        this.options.logger.info({ papers: this.index.size }, 'paper index loaded from its snapshot');
        return { rebuilt: false };
      } catch (error) {
        // Redis not answering says nothing about the snapshot: the caller opens it again later.
        if (isRedisUnavailable(error)) throw error;
        // A snapshot that cannot be applied is discarded: Redis holds the truth, rebuild from it.
        this.options.logger.warn({ err: error }, 'paper index snapshot unusable, rebuilding from Redis');
      }
    }
    await this.rebuild();
    return { rebuilt: true };
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.catch(() => undefined).then(task);
    this.queue = run;
    return run;
  }

  /** Re-reads every paper vector from Redis. */
  rebuild(): Promise<void> {
    return this.exclusive(() => this.rebuildNow());
  }

  private async rebuildNow(): Promise<void> {
    const started = Date.now();
    this.needsRebuild = true;
    this.changes += 1;
    this.index.clear();
    const from = await this.papers.latestChangeIds();
    for (let offset = 0; ; offset += REBUILD_PAGE) {
      const ids = await this.papers.listIds(offset, REBUILD_PAGE);
      if (ids.length === 0) break;
      for (const entry of await this.papers.indexEntries(ids)) {
        if (entry) this.index.upsert(entry.id, entry.vector, entryMeta(entry));
      }
    }
    this.positions = from;
    this.dirty = true;
    // Searches may have run on the half-built index meanwhile: their answers are not this version's.
    this.changes += 1;
    for (const derived of this.derived) await derived.reset(this.index);
    await this.applyPendingChanges({ rebuildOnFailure: false });
    this.needsRebuild = false;
    this.options.logger.info(
      { papers: this.index.size, ms: Date.now() - started },
      'paper index rebuilt from Redis',
    );
  }

  /**
   * Applies the changes this index has not seen. Callers that arrive while a pass waits to start share
   * it (it reads Redis once it starts, so it sees every write they made before calling): a search per
   * request does not cost a change-stream read per request. Returns how many changes were applied.
   */
  catchUp(): Promise<number> {
    if (!this.waitingCatchUp) {
      this.waitingCatchUp = this.exclusive(async () => {
        this.waitingCatchUp = null;
        if (!this.needsRebuild) return this.applyPendingChanges();
        await this.rebuildNow();
        return 0;
      });
    }
    return this.waitingCatchUp;
  }

  /**
   * Reads pending changes from Redis (its errors propagate: the next call tries again) and applies
   * them in memory. Should applying fail, the in-memory state can no longer be trusted, so it is
   * rebuilt from Redis rather than left half-applied and failing on every later call.
   */
  private async applyPendingChanges(options = { rebuildOnFailure: true }): Promise<number> {
    let applied = 0;
    for (;;) {
      const pages = await this.papers.changesAfter(this.positions, CHANGES_PAGE);
      const changes = pages.flat();
      if (changes.length === 0) return applied;
      const upserts = [...new Set(changes.filter((c) => c.op === 'upsert').map((c) => c.id))];
      const entries = new Map(
        (await this.papers.indexEntries(upserts)).flatMap((entry) => (entry ? [[entry.id, entry]] : [])),
      );
      try {
        await this.applyInMemory(changes, entries);
      } catch (error) {
        // Part of the page may be applied: only a rebuild from Redis makes the state whole again.
        this.needsRebuild = true;
        if (!options.rebuildOnFailure || isRedisUnavailable(error)) throw error;
        this.options.logger.error({ err: error }, 'applying paper changes failed, rebuilding from Redis');
        await this.rebuildNow();
        return applied + changes.length;
      }
      this.positions = this.positions.map((position, stream) => pages[stream]?.at(-1)?.streamId ?? position);
      this.dirty = true;
      applied += changes.length;
    }
  }

  private async applyInMemory(changes: StoredChange[], entries: Map<string, PaperIndexEntry>): Promise<void> {
    this.changes += 1;
    const paperChanges: PaperChange[] = [];
    const collaborations: [string, string][] = [];
    for (const change of changes) {
      if (change.op === 'collaborate') {
        collaborations.push(change.id.split('|') as [string, string]);
        continue;
      }
      // The entry read now is the paper's current state; a later delete in this page wins below.
      const entry = entries.get(change.id);
      const before = this.index.metaOf(change.id);
      if (change.op === 'upsert' && entry) {
        const after = entryMeta(entry);
        this.index.upsert(entry.id, entry.vector, after);
        paperChanges.push({ id: change.id, before, after });
      } else if (this.index.remove(change.id)) {
        paperChanges.push({ id: change.id, before });
      }
    }
    for (const derived of this.derived) await derived.apply(paperChanges, this.index, collaborations);
  }

  /**
   * Grows whenever what the index holds changes (a change applied, a rebuild, a snapshot loaded): an
   * answer computed at one value is the answer for as long as the value stays.
   */
  get version(): number {
    return this.changes;
  }

  /** The last change applied on each stream: the version of the data this index shows. */
  get lastAppliedChange(): string {
    return this.positions.join(',');
  }

  /**
   * How far this index is behind Redis, in seconds (0 in sync): the age of the oldest change not yet
   * applied here, on any stream. (The newest change's time less the position's would be the age of the
   * stream itself for a stream this index has applied nothing of yet.)
   */
  async lagSeconds(): Promise<number> {
    const firstUnapplied = await this.papers.changesAfter(this.positions, 1);
    const oldest = Math.min(
      ...firstUnapplied.flatMap((page) => page.map((c) => Number(c.streamId.split('-')[0]))),
    );
    return Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) / 1000 : 0;
  }

  /** True when no change in Redis is waiting to be applied here. */
  async inSync(): Promise<boolean> {
    const latest = await this.papers.latestChangeIds();
    return latest.every((newest, stream) => compareStreamIds(newest, this.positions[stream]!) <= 0);
  }

  /** Polls the change stream and saves snapshots in the background. */
  startBackgroundSync(pollMs: number, saveMs: number): void {
    this.timer = setInterval(() => {
      this.catchUp().catch((error) => this.options.logger.warn({ err: error }, 'paper index sync failed'));
    }, pollMs);
    this.saveTimer = setInterval(() => {
      this.save().catch((error) => this.options.logger.warn({ err: error }, 'paper index save failed'));
    }, saveMs);
    this.timer.unref();
    this.saveTimer.unref();
  }

  save(): Promise<void> {
    return this.exclusive(async () => {
      // A state that is not a whole version of Redis is never written as a snapshot.
      if (!this.dirty || this.needsRebuild) return;
      this.dirty = false;
      const state: SavedState = {
        epoch: this.epoch,
        positions: this.positions,
        modelVersion: this.options.modelVersion,
      };
      await this.index.save(this.options.dir, state);
      for (const derived of this.derived) await derived.save(this.lastAppliedChange);
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.saveTimer) clearInterval(this.saveTimer);
    this.timer = null;
    this.saveTimer = null;
    await this.save();
  }
}

/** Why a saved state cannot be loaded for the data and model in use, or null when it can. */
function whySnapshotUnusable(
  state: SavedState | null,
  now: { loadProblem: string | null; epoch: string; modelVersion: string; trimmed: string[] },
): string | null {
  if (state === null) return now.loadProblem ?? 'no snapshot';
  if (state.epoch !== now.epoch) return 'made from other data (another epoch)';
  if (state.modelVersion !== now.modelVersion) return 'made with another embedding model';
  if (!Array.isArray(state.positions) || state.positions.length !== CHANGE_STREAMS)
    return 'made with another number of change streams';
  if (now.trimmed.some((id, stream) => compareStreamIds(id, state.positions[stream]!) > 0))
    return 'changes made after it were trimmed from the change streams';
  return null;
}

function entryMeta(entry: { year: number; venue: string; authorIds: string[] }): PaperMeta {
  return { year: entry.year, venue: entry.venue, authorIds: entry.authorIds };
}
