import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Paper } from '../domain/paper.ts';
import { type Keys, partitionOf } from './keys.ts';
import {
  countTermsScript,
  deleteFieldIfScript,
  deleteKeyIfScript,
  finishProjectionScript,
  linkAuthorScript,
} from './paper-scripts.ts';
import { pipelined, type Redis } from './redis.ts';
import { nameTokens } from './researcher-names.ts';

/** The links a paper has outside its own record. */
export type LinkedState = { authors: string[]; refs: string[]; own: string[] };

const NO_LINKS: LinkedState = { authors: [], refs: [], own: [] };

/**
 * How long one process may project a paper before another may take over. A projection takes
 * milliseconds; the lease only matters when its holder died (or stalled this long), and then the
 * paper's next writer or the reconcile step waits it out.
 */
export const PROJECTION_LEASE_MS = 10_000;
/** A projection that finds its record rewritten meanwhile projects the new one; this many times at most. */
const MAX_PASSES = 5;
const LEASE_POLL_MS = 50;

type ScriptCommands = {
  peerscoutFinishProjection(...args: string[]): Promise<number>;
  peerscoutLinkAuthor(...args: (string | number)[]): Promise<string>;
  peerscoutCountTerms(...args: string[]): Promise<number>;
  peerscoutDeleteFieldIf(...args: string[]): Promise<number>;
  peerscoutDeleteKeyIf(...args: string[]): Promise<number>;
};

type Snapshot = {
  contentHash: string | null;
  deleted: boolean;
  dirty: boolean;
  paper: Paper | null;
  year: number;
  state: LinkedState;
  terms: string[];
  linked: LinkedState;
  countedTerms: string;
};

const without = (values: string[], drop: Iterable<string>) => {
  const dropped = new Set(drop);
  return values.filter((v) => !dropped.has(v));
};

/**
 * Makes everything derived from a paper record match it: author links and researcher records, the
 * catalogue (id list, name index), term counts, citations both ways, and an entry on the paper's
 * change partition for every index. Each step is idempotent and reads the record afresh, so running
 * a projection again — after a crash at any point, or twice at once — converges to the state of one
 * uninterrupted run. One process projects a paper at a time (a lease in the paper's slot).
 */
export class PaperProjection {
  private readonly scripts: ScriptCommands;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly streamMaxLen: number,
  ) {
    redis.defineCommand('peerscoutFinishProjection', { numberOfKeys: 1, lua: finishProjectionScript });
    redis.defineCommand('peerscoutLinkAuthor', { numberOfKeys: 3, lua: linkAuthorScript });
    redis.defineCommand('peerscoutCountTerms', { numberOfKeys: 2, lua: countTermsScript });
    redis.defineCommand('peerscoutDeleteFieldIf', { numberOfKeys: 1, lua: deleteFieldIfScript });
    redis.defineCommand('peerscoutDeleteKeyIf', { numberOfKeys: 1, lua: deleteKeyIfScript });
    this.scripts = redis as unknown as ScriptCommands;
  }

  /**
   * Projects the paper's record until its links match it. Returns false when another process held
   * the paper's lease for longer than a lease lasts, or the record kept changing: its writer, or the
   * reconcile step, finishes then.
   */
  async project(id: string): Promise<boolean> {
    const lease = this.keys.paperLease(id);
    const token = randomBytes(8).toString('hex');
    if (!(await this.acquire(lease, token))) return false;
    try {
      for (let pass = 0; pass < MAX_PASSES; pass += 1) {
        const snapshot = await this.read(id);
        if (!snapshot.dirty) return true;
        await this.apply(id, snapshot);
        if (await this.finish(id, snapshot)) return true;
      }
      return false;
    } finally {
      await this.scripts.peerscoutDeleteKeyIf(lease, token);
    }
  }

  private async acquire(lease: string, token: string): Promise<boolean> {
    const deadline = Date.now() + PROJECTION_LEASE_MS + 1000;
    while (Date.now() < deadline) {
      if ((await this.redis.set(lease, token, 'PX', PROJECTION_LEASE_MS, 'NX')) === 'OK') return true;
      await sleep(LEASE_POLL_MS);
    }
    return false;
  }

  private async read(id: string): Promise<Snapshot> {
    const [data, contentHash, year, authorIds, refs, own, terms, linked, dirty, deleted, countedTerms] =
      await this.redis.hmget(
        this.keys.paper(id),
        'data',
        'contentHash',
        'year',
        'authorIds',
        'referenceKeys',
        'ownKeys',
        'terms',
        'linked',
        'dirty',
        'deleted',
        'countedTerms',
      );
    const live = Boolean(contentHash) && !deleted;
    const json = (value: string | null | undefined) => (value ? (JSON.parse(value) as string[]) : []);
    return {
      contentHash: contentHash ?? null,
      deleted: Boolean(deleted),
      dirty: Boolean(dirty),
      paper: live && data ? (JSON.parse(data) as Paper) : null,
      year: Number(year ?? 0),
      state: live ? { authors: json(authorIds), refs: json(refs), own: json(own) } : NO_LINKS,
      terms: live ? json(terms) : [],
      linked: linked ? linkedState(JSON.parse(linked)) : NO_LINKS,
      countedTerms: countedTerms ?? '[]',
    };
  }

  private async apply(id: string, s: Snapshot): Promise<void> {
    await Promise.all([
      this.linkAuthors(id, s),
      this.countTerms(id, s),
      this.linkReferences(id, s),
      this.linkCiters(id, s),
    ]);
    const catalogue = this.keys.papers();
    if (s.paper) await this.redis.zadd(catalogue, 0, id);
    else await this.redis.zrem(catalogue, id);
    await this.redis.xadd(
      this.keys.paperChanges(partitionOf(id)),
      'MAXLEN',
      '~',
      this.streamMaxLen,
      '*',
      'op',
      s.paper ? 'upsert' : 'delete',
      'id',
      id,
    );
  }

  private async finish(id: string, s: Snapshot): Promise<boolean> {
    const terms = JSON.stringify(s.terms);
    const done = await this.scripts.peerscoutFinishProjection(
      this.keys.paper(id),
      s.paper ? (s.contentHash ?? '') : '',
      JSON.stringify(s.state),
      terms,
    );
    if (done !== 1) return false;
    // The record now says what the paper counts with; the marker's work is done.
    await this.scripts.peerscoutDeleteFieldIf(this.keys.termsCounted(), id, terms);
    return true;
  }

  /** The paper counts in the term document frequencies with exactly its current terms. */
  private async countTerms(id: string, s: Snapshot): Promise<void> {
    await this.scripts.peerscoutCountTerms(
      this.keys.termDocumentFrequency(),
      this.keys.termsCounted(),
      id,
      s.countedTerms,
      JSON.stringify(s.terms),
    );
  }

  /** Author links and researcher records; authors the paper no longer names lose the link. */
  private async linkAuthors(id: string, s: Snapshot): Promise<void> {
    const now = new Date().toISOString();
    const authors = s.paper?.authors ?? [];
    const names = await Promise.all(
      authors.map((author) =>
        this.scripts.peerscoutLinkAuthor(
          this.keys.researcher(author.id),
          this.keys.researcherPapers(author.id),
          this.keys.affiliations(author.id),
          id,
          s.year,
          author.name,
          author.affiliation ?? '',
          now,
        ),
      ),
    );
    const gone = without(s.linked.authors, s.state.authors);
    await Promise.all(gone.map((author) => this.redis.zrem(this.keys.researcherPapers(author), id)));
    if (authors.length === 0) return;
    const nameEntries = authors.flatMap((author, i) =>
      nameTokens(names[i] ?? author.name).flatMap((token) => [0, `${token}\u0000${author.id}`]),
    );
    await Promise.all([
      this.redis.zadd(this.keys.researchers(), ...authors.flatMap((author) => [0, author.id])),
      nameEntries.length > 0 ? this.redis.zadd(this.keys.researcherNames(), ...nameEntries) : null,
    ]);
  }

  /** Years of the stored papers among `ids` (deleted papers and tombstones are not stored). */
  private async storedYears(ids: string[]): Promise<Map<string, number>> {
    const rows = await pipelined<string, (string | null)[]>(this.redis, ids, (p, other) =>
      p.hmget(this.keys.paper(other), 'contentHash', 'year'),
    );
    return new Map(ids.flatMap((other, i) => (rows[i]![0] ? [[other, Number(rows[i]![1])]] : [])));
  }

  /**
   * The paper waits under each of its reference keys, then cites the stored papers they name. Waiting
   * first and resolving after (while a cited paper claims its keys first and reads the waiters after)
   * means whichever of two papers is stored second sees the other.
   */
  private async linkReferences(id: string, s: Snapshot): Promise<void> {
    await Promise.all([
      ...s.state.refs.map((key) => this.redis.sadd(this.keys.referencers(key), id)),
      ...without(s.linked.refs, s.state.refs).map((key) => this.redis.srem(this.keys.referencers(key), id)),
    ]);
    const byId = s.state.refs.filter((key) => key.startsWith('i:')).map((key) => key.slice(2));
    const byOwner = s.state.refs.filter((key) => !key.startsWith('i:'));
    const owners = byOwner.length > 0 ? await this.redis.hmget(this.keys.referenceOwners(), ...byOwner) : [];
    const named = [...new Set([...byId, ...owners.filter((o): o is string => Boolean(o))])].filter(
      (other) => other !== id,
    );
    const cited = s.paper ? await this.storedYears(named) : new Map<string, number>();
    await this.syncLinks(this.keys.cites(id), cited, (other) => this.keys.citedBy(other), id, s.year);
  }

  /** The paper claims the DOI and title keys it answers to, and the stored papers waiting for them cite it. */
  private async linkCiters(id: string, s: Snapshot): Promise<void> {
    const owners = this.keys.referenceOwners();
    await Promise.all(
      without(s.linked.own, s.state.own).map((key) => this.scripts.peerscoutDeleteFieldIf(owners, key, id)),
    );
    let answersTo: string[] = [];
    if (s.paper) {
      await Promise.all(s.state.own.map((key) => this.redis.hsetnx(owners, key, id)));
      const holders = s.state.own.length > 0 ? await this.redis.hmget(owners, ...s.state.own) : [];
      answersTo = [`i:${id}`, ...s.state.own.filter((_, i) => holders[i] === id)];
    }
    const waiting = await Promise.all(
      answersTo.map((key) => this.redis.smembers(this.keys.referencers(key))),
    );
    const citers = [...new Set(waiting.flat())].filter((other) => other !== id);
    const citing = await this.storedYears(citers);
    await this.syncLinks(this.keys.citedBy(id), citing, (other) => this.keys.cites(other), id, s.year);
  }

  /**
   * Makes the sorted set `key` hold exactly `wanted` (member → year) and keeps the other direction in
   * step: each member's `mirror` set holds this paper (scored by its year) exactly while it is in `key`.
   */
  private async syncLinks(
    key: string,
    wanted: Map<string, number>,
    mirror: (other: string) => string,
    id: string,
    year: number,
  ): Promise<void> {
    const current = await this.redis.zrange(key, 0, -1);
    const stale = without(current, wanted.keys());
    await Promise.all([
      ...[...wanted].flatMap(([other, otherYear]) => [
        this.redis.zadd(key, otherYear, other),
        this.redis.zadd(mirror(other), year, id),
      ]),
      ...stale.flatMap((other) => [this.redis.zrem(key, other), this.redis.zrem(mirror(other), id)]),
    ]);
  }

  /** Finishes the projections whose writers died: pending records older than `graceMs`. */
  async reconcile(graceMs: number, partitions: number): Promise<{ repaired: number; waiting: number }> {
    let repaired = 0;
    let waiting = 0;
    for (let partition = 0; partition < partitions; partition += 1) {
      const pending = this.keys.pendingPapers(partition);
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.hscan(pending, cursor, 'COUNT', 200);
        cursor = next;
        for (let i = 0; i + 1 < flat.length; i += 2) {
          const [id, token] = [flat[i]!, flat[i + 1]!];
          if (Date.now() - pendingSince(token) < graceMs) {
            waiting += 1;
            continue;
          }
          if (await this.project(id)) {
            await this.scripts.peerscoutDeleteFieldIf(pending, id, token);
            repaired += 1;
          } else waiting += 1;
        }
      } while (cursor !== '0');
    }
    return { repaired, waiting };
  }

  /** Records that a write of the paper is under way: the durable record the reconcile step reads. */
  async begin(id: string): Promise<string> {
    const token = `${Date.now()}:${randomBytes(6).toString('hex')}`;
    await this.redis.hset(this.keys.pendingPapers(partitionOf(id)), id, token);
    return token;
  }

  /** The write that `token` recorded is fully applied (a newer write keeps its own record). */
  async end(id: string, token: string): Promise<void> {
    await this.scripts.peerscoutDeleteFieldIf(this.keys.pendingPapers(partitionOf(id)), id, token);
  }
}

/** Lua's cjson writes an empty list as {}: every part that is not a list is an empty one. */
function linkedState(value: Partial<Record<keyof LinkedState, unknown>>): LinkedState {
  const list = (part: unknown) => (Array.isArray(part) ? (part as string[]) : []);
  return { authors: list(value.authors), refs: list(value.refs), own: list(value.own) };
}

function pendingSince(token: string): number {
  return Number(token.split(':')[0]) || 0;
}
