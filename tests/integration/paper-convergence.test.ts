import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deletePrefix } from '../../scripts/lib/redis-prefix.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { referenceKeys } from '../../src/domain/references.ts';
import { CHANGE_PARTITIONS } from '../../src/storage/keys.ts';
import { PaperProjection } from '../../src/storage/paper-projection.ts';
import { startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/**
 * A paper write is the paper's own record (one atomic step) and then its links elsewhere, step by
 * step (PaperProjection). Whatever step a writer dies at, the reconcile step brings the store to the
 * state of an uninterrupted run — the same papers, author links, researchers, name index, term counts,
 * citations both ways, reference owners and waiting references — and nothing is left pending.
 */
const corpus: Paper[] = fs
  .readFileSync(path.resolve(import.meta.dirname, '../fixtures/citations.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Paper);
const original = corpus.find((p) => p.id === 'ana-crosslingual')!;
/** A new author for one, one dropped, a reference swapped, a DOI gained, new words. */
const updated: Paper = {
  ...original,
  abstract: `${original.abstract} We add morphological tagging as an auxiliary task.`,
  doi: '10.1000/ana.2020',
  authors: [original.authors[0]!, { id: 'noor-haddad', name: 'Noor Haddad', affiliation: 'Univ. of Oslo' }],
  references: [
    'ana-gnn-parsing',
    'dan-morph-parsing',
    { title: 'Biaffine Attention for Neural Dependency Parsing', year: 2017 },
  ],
};
const DELETED = 'biaffine-parser';
const everyPaper = [...corpus.map((p) => p.id)];
const everyAuthor = [...new Set([...corpus, updated].flatMap((p) => p.authors.map((a) => a.id)))];
const everyReferenceKey = [
  ...new Set([...corpus, updated].flatMap((p) => [...referenceKeys(p.references), `i:${p.id}`])),
];

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('convergence');
});

afterAll(async () => {
  await stopTestApp(t);
});

async function writeAll(crash?: { write: 'update' | 'delete'; at: CrashPoint }): Promise<void> {
  const { papers } = t.container.services;
  await papers.store(corpus);
  const write = async (which: 'update' | 'delete') =>
    which === 'update' ? papers.store([updated]) : t.container.repositories.papers.delete(DELETED);
  for (const which of ['update', 'delete'] as const) {
    if (crash?.write !== which) {
      await write(which);
      continue;
    }
    const restore = injectCrash(crash.at);
    try {
      await expect(write(which)).rejects.toThrow('simulated crash');
    } finally {
      restore();
    }
    // Steps that ran beside the one that crashed finish on their own, as they would in Redis.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

type CrashPoint =
  | 'after the record'
  | 'after author links'
  | 'after term counts'
  | 'after references'
  | 'after citers'
  | 'before finishing'
  | 'after finishing';

/** Makes the next projection die at a point, as a killed process would; returns the undo. */
function injectCrash(at: CrashPoint): () => void {
  const proto = PaperProjection.prototype as unknown as Record<
    string,
    (...args: unknown[]) => Promise<unknown>
  >;
  const method = {
    'after the record': 'project',
    'after author links': 'linkAuthors',
    'after term counts': 'countTerms',
    'after references': 'linkReferences',
    'after citers': 'linkCiters',
    'before finishing': 'finish',
    'after finishing': 'finish',
  }[at];
  const real = proto[method]!;
  proto[method] = async function (this: unknown, ...args: unknown[]) {
    if (at !== 'after the record' && at !== 'before finishing') await real.apply(this, args);
    throw new Error('simulated crash');
  };
  return () => {
    proto[method] = real;
  };
}

/** Everything a paper write derives, read through the repositories and the raw keys. */
async function storeState() {
  const { redis, keys, repositories } = t.container;
  const zset = (key: string) => redis.zrange(key, 0, -1, 'WITHSCORES');
  const pending = await Promise.all(
    Array.from({ length: CHANGE_PARTITIONS }, (_, k) => redis.hgetall(keys.pendingPapers(k))),
  );
  return {
    papers: await repositories.papers.getManyWithTerms(everyPaper),
    dirty: await Promise.all(everyPaper.map((id) => redis.hget(keys.paper(id), 'dirty'))),
    catalogue: await zset(keys.papers()),
    citations: await repositories.citations.links(everyPaper),
    citationYears: await Promise.all(
      everyPaper.flatMap((id) => [zset(keys.cites(id)), zset(keys.citedBy(id))]),
    ),
    researchers: await repositories.researchers.getMany(everyAuthor),
    researcherPapers: await Promise.all(everyAuthor.map((id) => zset(keys.researcherPapers(id)))),
    researcherIds: await zset(keys.researchers()),
    names: await zset(keys.researcherNames()),
    termCounts: await redis.hgetall(keys.termDocumentFrequency()),
    termsCounted: await redis.hgetall(keys.termsCounted()),
    owners: await redis.hgetall(keys.referenceOwners()),
    waiting: await Promise.all(
      everyReferenceKey.map(async (key) => (await redis.smembers(keys.referencers(key))).sort()),
    ),
    pending: pending.filter((entries) => Object.keys(entries).length > 0),
  };
}

/** Researcher records carry the time they were written; the rest must match exactly. */
function withoutTimes(state: Awaited<ReturnType<typeof storeState>>) {
  return {
    ...state,
    researchers: state.researchers.map((r) => (r ? { ...r, createdAt: '', updatedAt: '' } : r)),
  };
}

const CRASH_POINTS: CrashPoint[] = [
  'after the record',
  'after author links',
  'after term counts',
  'after references',
  'after citers',
  'before finishing',
  'after finishing',
];

describe('a paper write cut off at any step', () => {
  let reference: ReturnType<typeof withoutTimes>;

  beforeAll(async () => {
    await writeAll();
    reference = withoutTimes(await storeState());
    await deletePrefix(t.config.redisUrl, t.config.keyPrefix);
    // The uninterrupted run is a real one: the update and the delete did what they say.
    expect(reference.papers.find((p) => p?.id === 'ana-crosslingual')?.authors[1]?.id).toBe('noor-haddad');
    expect(reference.papers[everyPaper.indexOf(DELETED)]).toBeNull();
    expect(reference.pending).toEqual([]);
    expect(reference.termsCounted).toEqual({});
  });

  for (const write of ['update', 'delete'] as const) {
    for (const at of CRASH_POINTS) {
      it(`converges once reconciled when the ${write} dies ${at}`, async () => {
        try {
          await writeAll({ write, at });
          // The write left its durable record, and the store is not yet what it should be.
          const before = withoutTimes(await storeState());
          expect(before.pending).toHaveLength(1);
          if (at !== 'after finishing') expect(before).not.toEqual(reference);
          const { repaired } = await t.container.repositories.papers.reconcile(0);
          expect(repaired).toBe(1);
          expect(withoutTimes(await storeState())).toEqual(reference);
        } finally {
          await deletePrefix(t.config.redisUrl, t.config.keyPrefix);
        }
      });
    }
  }

  it('converges when the paper is written again instead, before any reconcile', async () => {
    try {
      await writeAll({ write: 'update', at: 'after author links' });
      await t.container.services.papers.store([updated]);
      await t.container.repositories.papers.delete(DELETED);
      expect(withoutTimes(await storeState())).toEqual(reference);
    } finally {
      await deletePrefix(t.config.redisUrl, t.config.keyPrefix);
    }
  });
});

describe('papers written in another order', () => {
  it('give a researcher the same name: the spelling on the newest paper naming them', async () => {
    const paper = (id: string, year: number, name: string): Paper => ({
      ...corpus[0]!,
      id,
      year,
      doi: undefined,
      title: `${corpus[0]!.title} (${id})`,
      references: [],
      authors: [{ id: 'wen-yu-zhan', name }],
    });
    const papers = [paper('order-a', 2019, 'Wen-Yu Zhan'), paper('order-c', 2021, 'WenYu Zhan')];
    papers.push(paper('order-b', 2021, 'Wenyu Zhan'));
    const names: string[] = [];
    try {
      for (const order of [papers, [...papers].reverse()]) {
        for (const p of order) await t.container.services.papers.store([p]);
        const [record] = await t.container.repositories.researchers.getMany(['wen-yu-zhan']);
        names.push(record!.name);
        await deletePrefix(t.config.redisUrl, t.config.keyPrefix);
      }
    } finally {
      await deletePrefix(t.config.redisUrl, t.config.keyPrefix);
    }
    // 2021 is the newest year; of its two papers, 'order-c' is the larger id.
    expect(names).toEqual(['WenYu Zhan', 'WenYu Zhan']);
  });
});
