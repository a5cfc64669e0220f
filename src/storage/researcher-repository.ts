import type { Keys } from './keys.ts';
import { pipelined, type Redis } from './redis.ts';
import { nameMatches, nameTokens } from './researcher-names.ts';

export type ResearcherRecord = {
  id: string;
  name: string;
  affiliations: string[];
  /** Free-text interests a claimed researcher wrote on their profile. */
  interests: string | null;
  claimed: boolean;
  openToCollaborate: boolean;
  verificationLevel: number;
  /** Invitations a researcher wants per period at most (0 pauses them); null: the platform's cap. */
  invitationsPerPeriod: number | null;
  createdAt: string;
  updatedAt: string;
};

export type Coauthor = { id: string; jointPapers: number; latestYear: number };

/** How far a name search scans the name index before filtering; bounds the work of one query. */
const NAME_SCAN_LIMIT = 5000;

export class ResearcherRepository {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async getMany(ids: string[]): Promise<(ResearcherRecord | null)[]> {
    const [hashes, affiliationLists] = await Promise.all([
      pipelined<string, Record<string, string>>(this.redis, ids, (p, id) =>
        p.hgetall(this.keys.researcher(id)),
      ),
      pipelined<string, string[]>(this.redis, ids, (p, id) => p.zrevrange(this.keys.affiliations(id), 0, 9)),
    ]);
    return ids.map((id, i) => {
      const h = hashes[i]!;
      const affiliations = affiliationLists[i]!;
      if (!h.name) return null;
      const declared = h.declaredAffiliations ? (JSON.parse(h.declaredAffiliations) as string[]) : [];
      return {
        id,
        name: h.name,
        affiliations: [...new Set([...declared, ...affiliations])],
        interests: h.interests ?? null,
        claimed: h.claimed === 'true',
        openToCollaborate: h.openToCollaborate === 'true',
        verificationLevel: Number(h.verificationLevel ?? 0),
        invitationsPerPeriod: h.invitationsPerPeriod === undefined ? null : Number(h.invitationsPerPeriod),
        createdAt: h.createdAt ?? '',
        updatedAt: h.updatedAt ?? '',
      };
    });
  }

  /**
   * What ranking needs of each researcher, for hundreds of candidates per request: whether they claimed
   * their record and are open to collaborate, and the affiliations on their papers (null: no record).
   */
  async rankingProfiles(
    ids: string[],
  ): Promise<({ claimed: boolean; openToCollaborate: boolean; affiliations: string[] } | null)[]> {
    const [flags, affiliations] = await Promise.all([
      pipelined<string, (string | null)[]>(this.redis, ids, (p, id) =>
        p.hmget(this.keys.researcher(id), 'name', 'claimed', 'openToCollaborate'),
      ),
      this.affiliationsAsOf(ids),
    ]);
    return ids.map((id, i) => {
      const [name, claimed, openToCollaborate] = flags[i]!;
      if (!name) return null;
      return {
        claimed: claimed === 'true',
        openToCollaborate: openToCollaborate === 'true',
        affiliations: affiliations.get(id) ?? [],
      };
    });
  }

  async get(id: string): Promise<ResearcherRecord | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  /** Paper ids newest first, with their years. */
  async papers(id: string, offset: number, limit: number): Promise<{ id: string; year: number }[]> {
    const flat = await this.redis.zrevrange(
      this.keys.researcherPapers(id),
      offset,
      offset + limit - 1,
      'WITHSCORES',
    );
    const out: { id: string; year: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, year: Number(flat[i + 1]) });
    return out;
  }

  paperCount(id: string): Promise<number> {
    return this.redis.zcard(this.keys.researcherPapers(id));
  }

  /**
   * Everyone who shares a paper with the researcher, by number of joint papers, then by the year of
   * the latest one. Read from authorship (the researcher's papers and their author lists), which is
   * how the store keeps the co-author graph.
   */
  async coauthors(id: string): Promise<Coauthor[]> {
    const flat = await this.redis.zrange(this.keys.researcherPapers(id), 0, -1, 'WITHSCORES');
    const papers = flat.flatMap((paperId, i) =>
      i % 2 === 0 ? [{ paperId, year: Number(flat[i + 1]) }] : [],
    );
    const authorLists = await pipelined<{ paperId: string }, string | null>(
      this.redis,
      papers,
      (p, { paperId }) => p.hget(this.keys.paper(paperId), 'authorIds'),
    );
    const byId = new Map<string, Coauthor>();
    authorLists.forEach((authorIds, i) => {
      if (!authorIds) return;
      const year = papers[i]!.year;
      for (const other of JSON.parse(authorIds) as string[]) {
        if (other === id) continue;
        const entry = byId.get(other) ?? { id: other, jointPapers: 0, latestYear: 0 };
        entry.jointPapers += 1;
        entry.latestYear = Math.max(entry.latestYear, year);
        byId.set(other, entry);
      }
    });
    return [...byId.values()].sort(
      (a, b) => b.jointPapers - a.jointPapers || b.latestYear - a.latestYear || a.id.localeCompare(b.id),
    );
  }

  /** Affiliations that appeared on each researcher's papers up to a year (all years when omitted). */
  async affiliationsAsOf(ids: string[], year?: number): Promise<Map<string, string[]>> {
    const lists = await pipelined<string, string[]>(this.redis, ids, (p, id) =>
      p.zrangebyscore(this.keys.affiliations(id), '-inf', year ?? '+inf'),
    );
    return new Map(ids.map((id, i) => [id, lists[i]!]));
  }

  /** Sets profile fields of an existing researcher; returns false when there is no such researcher. */
  async updateProfile(
    id: string,
    fields: Partial<
      Pick<ResearcherRecord, 'claimed' | 'openToCollaborate' | 'verificationLevel' | 'invitationsPerPeriod'>
    > & {
      interests?: string;
      declaredAffiliations?: string[];
    },
  ): Promise<boolean> {
    const values = Object.entries(fields).flatMap(([key, value]) =>
      value === undefined || value === null
        ? []
        : [key, typeof value === 'object' ? JSON.stringify(value) : String(value)],
    );
    if (!(await this.redis.exists(this.keys.researcher(id)))) return false;
    // The claimed set is a superset of the claimed records (readers check the record): it gains a
    // member before a record says claimed and loses it only after, so a crash between the two
    // writes, which are in different cluster slots, never hides a claimed researcher.
    if (fields.claimed === true) await this.redis.sadd(this.keys.claimedResearchers(), id);
    const transaction = this.redis.multi();
    if (values.length > 0)
      transaction.hset(this.keys.researcher(id), ...values, 'updatedAt', new Date().toISOString());
    // null returns the researcher to the platform's cap.
    if (fields.invitationsPerPeriod === null) {
      transaction.hdel(this.keys.researcher(id), 'invitationsPerPeriod');
      transaction.hset(this.keys.researcher(id), 'updatedAt', new Date().toISOString());
    }
    await transaction.exec();
    if (fields.claimed === false) await this.redis.srem(this.keys.claimedResearchers(), id);
    return true;
  }

  /**
   * Links the record to a platform account. 'conflict' when another account holds it; claiming again
   * with the same account changes nothing.
   */
  async claim(id: string, accountId: string): Promise<'claimed' | 'conflict' | 'missing'> {
    await this.redis.sadd(this.keys.claimedResearchers(), id); // before the record: see updateProfile
    const result = (await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
       local holder = redis.call('HGET', KEYS[1], 'claimedBy')
       if holder and holder ~= ARGV[1] then return 'conflict' end
       redis.call('HSET', KEYS[1], 'claimed', 'true', 'claimedBy', ARGV[1], 'updatedAt', ARGV[2])
       return 'claimed'`,
      1,
      this.keys.researcher(id),
      accountId,
      new Date().toISOString(),
    )) as 'claimed' | 'conflict' | 'missing';
    if (result === 'missing') await this.redis.srem(this.keys.claimedResearchers(), id);
    return result;
  }

  /** Unlinks the record from the account that claimed it. */
  async unclaim(id: string, accountId: string): Promise<'unclaimed' | 'conflict' | 'missing'> {
    const result = (await this.redis.eval(
      `if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
       local holder = redis.call('HGET', KEYS[1], 'claimedBy')
       if holder ~= ARGV[1] then return 'conflict' end
       redis.call('HSET', KEYS[1], 'claimed', 'false', 'updatedAt', ARGV[2])
       redis.call('HDEL', KEYS[1], 'claimedBy')
       return 'unclaimed'`,
      1,
      this.keys.researcher(id),
      accountId,
      new Date().toISOString(),
    )) as 'unclaimed' | 'conflict' | 'missing';
    if (result === 'unclaimed') await this.redis.srem(this.keys.claimedResearchers(), id);
    return result;
  }

  /** Claimed researchers in pages: the recipients of invitation digests. */
  async scanClaimed(cursor: string, count: number): Promise<{ next: string; ids: string[] }> {
    const [next, ids] = await this.redis.sscan(this.keys.claimedResearchers(), cursor, 'COUNT', count);
    return { next, ids };
  }

  async setFollower(id: string, followerId: string, following: boolean): Promise<number> {
    const key = this.keys.followers(id);
    if (following) await this.redis.sadd(key, followerId);
    else await this.redis.srem(key, followerId);
    return this.redis.scard(key);
  }

  followerCount(id: string): Promise<number> {
    return this.redis.scard(this.keys.followers(id));
  }

  count(): Promise<number> {
    return this.redis.zcard(this.keys.researchers());
  }

  listIds(offset: number, limit: number): Promise<string[]> {
    return this.redis.zrange(this.keys.researchers(), offset, offset + limit - 1);
  }

  /**
   * Researchers whose name words start with every word of the query, in name order. The index is
   * scanned by the longest query word, which is the most selective.
   */
  async searchByName(query: string, offset: number, limit: number): Promise<ResearcherRecord[]> {
    const tokens = nameTokens(query);
    if (tokens.length === 0) return [];
    const anchor = tokens.reduce((a, b) => (b.length > a.length ? b : a));
    const members = await this.redis.zrangebylex(
      this.keys.researcherNames(),
      `[${anchor}`,
      Buffer.concat([Buffer.from(`[${anchor}`), Buffer.from([0xff])]),
      'LIMIT',
      0,
      NAME_SCAN_LIMIT,
    );
    const ids = [...new Set(members.map((m) => m.slice(m.indexOf('\u0000') + 1)))];
    const records = (await this.getMany(ids)).filter(
      (r): r is ResearcherRecord => r !== null && nameMatches(tokens, r.name),
    );
    records.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return records.slice(offset, offset + limit);
  }
}
