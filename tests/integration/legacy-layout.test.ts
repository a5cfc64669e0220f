import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStore } from '../../scripts/lib/migrate-store.ts';
import { loadConfig } from '../../src/config.ts';
import { type Container, createContainer } from '../../src/container.ts';
import { paperHashes } from '../../src/domain/paper-hashes.ts';
import { createLogger } from '../../src/logger.ts';
import { PHRASES_VERSION, paperPhrases } from '../../src/recommend/key-phrases.ts';
import { migrateLegacyLayout } from '../../src/storage/legacy-layout.ts';
import { cleanUp, readSample, testEnvironment } from '../helpers/test-env.ts';

/**
 * A store written by the previous version (every key under `{prefix}`) is refused at start with the
 * command that fixes it, and `npm run migrate` moves it: papers, researcher profiles (claims, settings)
 * and followers are all there afterwards, derived data is rebuilt exactly as a fresh write makes it,
 * no old key is left, and a migration cut off part-way finishes when run again.
 */
const papers = readSample().slice(0, 40);
const logger = createLogger('warn', 'legacy-layout');
const containers: Container[] = [];

function vectorOf(i: number): Float32Array {
  const v = new Float32Array(384);
  v[i % 384] = 0.8;
  v[(i * 7 + 3) % 384] = 0.6;
  return v;
}

function open(name: string) {
  const config = loadConfig(testEnvironment(name));
  const container = createContainer(config, logger);
  containers.push(container);
  return { config, container };
}

/** Writes the papers the way the previous version laid them out, with a claimed, followed researcher. */
async function writeLegacyStore({ container }: ReturnType<typeof open>) {
  const { redis, keys } = container;
  const root = keys.root;
  const now = new Date().toISOString();
  for (const [i, paper] of papers.entries()) {
    const hashes = paperHashes(paper, container.embedder.modelVersion, PHRASES_VERSION);
    const vector = vectorOf(i);
    await redis.hset(`${root}:paper:${paper.id}`, {
      data: JSON.stringify(paper),
      ...hashes,
      vector: Buffer.from(vector.buffer),
      authorIds: JSON.stringify(paper.authors.map((a) => a.id)),
      terms: JSON.stringify(paperPhrases(paper)),
      year: paper.year,
      venue: paper.venue,
      referenceKeys: '[]',
      ownKeys: '[]',
      createdAt: now,
      updatedAt: now,
    });
    await redis.zadd(`${root}:papers`, 0, paper.id);
    for (const author of paper.authors) {
      await redis.hsetnx(`${root}:researcher:${author.id}`, 'name', author.name);
      await redis.hset(`${root}:researcher:${author.id}`, { claimed: 'false', openToCollaborate: 'false' });
      await redis.zadd(`${root}:researcher-papers:${author.id}`, paper.year, paper.id);
      await redis.zadd(`${root}:researchers`, 0, author.id);
    }
    await redis.xadd(`${root}:paper-changes`, '*', 'op', 'upsert', 'id', paper.id);
  }
  const [claimed, follower] = [papers[0]!.authors[0]!.id, papers[1]!.authors[0]!.id];
  await redis.hset(`${root}:researcher:${claimed}`, {
    claimed: 'true',
    claimedBy: 'account-1',
    openToCollaborate: 'true',
    invitationsPerPeriod: '2',
    interests: 'dialogue systems',
  });
  await redis.sadd(keys.claimedResearchers(), claimed);
  await redis.sadd(`${root}:followers:${claimed}`, follower);
  // Counts the old version kept: wrong on purpose, so a migration that kept them would show.
  await redis.hset(`${root}:term-df`, 'dialogue systems', 999);
  await redis.set(`${root}:topics:${claimed}`, '{"phrases":["stale"]}');
  return { claimed, follower };
}

/** What the store holds, through the current repositories. */
async function contents(container: Container, ids: { claimed: string; follower: string }) {
  const { repositories, redis, keys } = container;
  const authors = [...new Set(papers.flatMap((p) => p.authors.map((a) => a.id)))].sort();
  const researchers = await repositories.researchers.getMany(authors);
  return {
    papers: await repositories.papers.getMany(papers.map((p) => p.id)),
    vectors: (await repositories.papers.vectors(papers.map((p) => p.id))).map((v) => (v ? [...v] : null)),
    count: await repositories.papers.count(),
    researchers: researchers.map((r) => (r ? { ...r, createdAt: '', updatedAt: '' } : r)),
    papersOf: await Promise.all(authors.map((id) => repositories.researchers.paperCount(id))),
    followers: await repositories.researchers.followerCount(ids.claimed),
    termCounts: await redis.hgetall(keys.termDocumentFrequency()),
  };
}

let legacy: ReturnType<typeof open>;
let ids: { claimed: string; follower: string };

beforeAll(async () => {
  legacy = open('legacy');
  ids = await writeLegacyStore(legacy);
});

afterAll(async () => {
  for (const container of containers) await container.close().catch(() => undefined);
  await cleanUp(legacy.config);
});

describe('a store in the previous key layout', () => {
  it('is refused at start, with the command that moves it', async () => {
    const { container } = open('legacy-start');
    await writeLegacyStore({ container, config: loadConfig(testEnvironment('unused')) });
    try {
      await expect(container.start({ backgroundSync: false })).rejects.toThrow('npm run migrate');
    } finally {
      await cleanUp(container.config);
    }
  });

  it('when migrated, even after a cut-off first run, holds what a fresh store of the same data holds', async () => {
    // The reference: the same papers, vectors and profile, written by this version.
    const fresh = open('legacy-reference');
    try {
      for (const [i, paper] of papers.entries()) {
        await fresh.container.repositories.papers.upsert({
          paper,
          vector: vectorOf(i),
          terms: paperPhrases(paper),
          ...paperHashes(paper, fresh.container.embedder.modelVersion, PHRASES_VERSION),
        });
      }
      await fresh.container.repositories.researchers.claim(ids.claimed, 'account-1');
      await fresh.container.repositories.researchers.updateProfile(ids.claimed, {
        openToCollaborate: true,
        invitationsPerPeriod: 2,
        interests: 'dialogue systems',
      });
      await fresh.container.repositories.researchers.setFollower(ids.claimed, ids.follower, true);
      const reference = await contents(fresh.container, ids);

      // A first run dies after its first batch of papers; the second finishes the work.
      const { redis, keys, repositories } = legacy.container;
      let batches = 0;
      await expect(
        migrateLegacyLayout(redis, keys, repositories.papers, (what) => {
          if (what === 'papers' && ++batches === 1) throw new Error('cut off');
        }),
      ).rejects.toThrow('cut off');
      expect(await migrateStore(legacy.config, logger)).toBe(true);
      expect(await migrateStore(legacy.config, logger)).toBe(false);

      expect(await contents(legacy.container, ids)).toEqual(reference);
      const left = [];
      for (const pattern of ['paper:*', 'researcher:*', 'researcher-papers:*', 'followers:*', 'topics:*']) {
        const [, found] = await redis.scan('0', 'MATCH', `${keys.root}:${pattern}`, 'COUNT', 10_000);
        left.push(...found);
      }
      expect(left).toEqual([]);
      await legacy.container.start({ backgroundSync: false });
      expect(legacy.container.paperIndex.index.size).toBe(papers.length);
    } finally {
      await cleanUp(fresh.config);
    }
  });
});
