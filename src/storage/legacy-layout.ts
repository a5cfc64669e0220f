import { Cluster } from 'ioredis';
import type { Paper } from '../domain/paper.ts';
import type { Keys } from './keys.ts';
import type { PaperRepository } from './paper-repository.ts';
import type { Redis } from './redis.ts';

/**
 * The key layout before papers and researchers had hashtags of their own: every key under `{prefix}`.
 * Invitations, the claimed set, collaboration edges, models and the catalogue keep their names in the
 * new layout; these moved or are derived anew.
 */
function legacyKeys(keys: Keys) {
  const root = keys.root;
  return {
    changes: `${root}:paper-changes`,
    termCounts: `${root}:term-df`,
    done: `${root}:layout-v2-counts-reset`,
    papers: `${root}:paper:`,
    researchers: `${root}:researcher:`,
    followers: `${root}:followers:`,
    /** Derived from the papers, or caches: rebuilt by the papers' writes, or recomputed. */
    derived: [
      'researcher-papers:',
      'affiliations:',
      'cites:',
      'cited-by:',
      'referencers:',
      'topics:',
      'suggestions:',
    ].map((segment) => `${root}:${segment}`),
  };
}

/** True when the store was written by a version with the old layout and must be migrated first. */
export async function hasLegacyLayout(redis: Redis, keys: Keys): Promise<boolean> {
  return (await redis.exists(legacyKeys(keys).changes)) === 1;
}

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, found] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}

/**
 * Moves a store from the old layout to the new one, resumably: researcher records and followers are
 * copied, every paper is written again through the normal write path (its links, researchers, term
 * counts and citations are made anew), and each old key is deleted once what it held is in place. A
 * run that dies part-way is simply run again. Returns what it moved.
 */
export async function migrateLegacyLayout(
  redis: Redis,
  keys: Keys,
  papers: PaperRepository,
  onProgress: (what: string, count: number) => void = () => undefined,
): Promise<{ researchers: number; followers: number; papers: number }> {
  const legacy = legacyKeys(keys);
  const moved = { researchers: 0, followers: 0, papers: 0 };
  // Term counts are made anew by the papers' writes: the old ones go, once, before the first paper.
  if (!(await redis.exists(legacy.done))) {
    await redis.del(legacy.termCounts);
    await redis.set(legacy.done, '1');
  }
  for await (const batch of scanKeys(redis, `${legacy.researchers}*`)) {
    for (const key of batch) {
      const fields = await redis.hgetall(key);
      const id = key.slice(legacy.researchers.length);
      if (Object.keys(fields).length > 0) await redis.hset(keys.researcher(id), fields);
      await redis.del(key);
      moved.researchers += 1;
    }
    onProgress('researchers', moved.researchers);
  }
  for await (const batch of scanKeys(redis, `${legacy.followers}*`)) {
    for (const key of batch) {
      const members = await redis.smembers(key);
      const id = key.slice(legacy.followers.length);
      if (members.length > 0) await redis.sadd(keys.followers(id), ...members);
      await redis.del(key);
      moved.followers += 1;
    }
    onProgress('followers', moved.followers);
  }
  for await (const batch of scanKeys(redis, `${legacy.papers}*`)) {
    await Promise.all(
      batch.map(async (key) => {
        const fields = await redis.hgetallBuffer(key);
        const { data, vector } = fields;
        if (data && vector) {
          const copy = new Uint8Array(vector.byteLength);
          copy.set(vector);
          await papers.upsert({
            paper: JSON.parse(data.toString()) as Paper,
            vector: new Float32Array(copy.buffer),
            contentHash: fields.contentHash?.toString() ?? '',
            textHash: fields.textHash?.toString() ?? '',
            terms: JSON.parse(fields.terms?.toString() ?? '[]') as string[],
          });
        }
        await redis.del(key);
      }),
    );
    moved.papers += batch.length;
    onProgress('papers', moved.papers);
  }
  for (const prefix of legacy.derived) {
    for await (const batch of scanKeys(redis, `${prefix}*`))
      await Promise.all(batch.map((key) => redis.del(key)));
  }
  // Last: while the old stream exists the store counts as not yet migrated.
  await redis.del(legacy.changes, legacy.done);
  return moved;
}
