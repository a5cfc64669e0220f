import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Paper } from '../../src/domain/paper.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const sample = readSample();
const byId = new Map(sample.map((p) => [p.id, p]));

/** The two ways a Node socket hands its data to the system: one chunk, or every chunk buffered meanwhile. */
type SocketWrites = {
  _write: (chunk: unknown, encoding: string, callback: () => void) => void;
  _writev: (chunks: unknown[], callback: () => void) => void;
};

type Scored = { items: { paper: Paper; score: number }[]; page: { nextOffset: number | null } };

async function similar(id: string, query = ''): Promise<Scored> {
  const response = await t.app.inject({ url: `/v1/papers/${id}/similar?${query}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}

beforeAll(async () => {
  t = await startTestApp('papers-api');
  for (let i = 0; i < sample.length; i += 100) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: sample.slice(i, i + 100) },
    });
    expect(response.statusCode).toBe(200);
  }
});
afterAll(() => stopTestApp(t));

describe('papers API on the 500-paper ACL sample', () => {
  it('stores every paper and returns it by id', async () => {
    const response = await t.app.inject({ url: '/v1/papers/2022.wmt-1.102' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: '2022.wmt-1.102', title: byId.get('2022.wmt-1.102')!.title });
    const list = await t.app.inject({ url: '/v1/papers?limit=7&offset=490' });
    expect(list.json().page).toMatchObject({ total: 500, nextOffset: 497 });
  });

  it('a read sends its Redis commands as they come, building no pipeline object per request', async () => {
    // With auto-pipelining ioredis built one per tick, copying every defined script onto it; in the API
    // those objects were promoted and made each scavenge keep what they held (see createRedis).
    const pipelines = vi.spyOn(t.container.redis, 'pipeline');
    try {
      for (const id of ['2022.wmt-1.102', sample[7]!.id, sample[8]!.id]) {
        expect((await t.app.inject({ url: `/v1/papers/${id}` })).statusCode).toBe(200);
      }
      expect(pipelines).not.toHaveBeenCalled();
    } finally {
      pipelines.mockRestore();
    }
  });

  it('sends the Redis commands of one tick in one socket write, and each gets its own reply', async () => {
    // Sent one write each, the ten paper reads of a similar-papers answer were ten system calls.
    const redis = t.container.redis as Redis;
    await redis.ping(); // connected: the socket exists
    const socket = redis.stream as unknown as SocketWrites;
    const single = vi.spyOn(socket, '_write');
    const batched = vi.spyOn(socket, '_writev');
    try {
      const ids = sample.slice(0, 10).map((p) => p.id);
      const papers = await t.container.repositories.papers.getMany(ids);
      expect(papers.map((p) => p?.id)).toEqual(ids);
      expect(single.mock.calls.length + batched.mock.calls.length).toBe(1);
      expect(batched.mock.calls[0]?.[0]).toHaveLength(ids.length);
      // A command of a later tick goes out in a write of its own, at once.
      expect(await redis.ping()).toBe('PONG');
      expect(single.mock.calls.length + batched.mock.calls.length).toBe(2);
    } finally {
      single.mockRestore();
      batched.mockRestore();
    }
  });

  it('finds papers of the same theme first (hand-picked pairs)', async () => {
    const top = async (id: string, k: number) =>
      (await similar(id, `limit=${k}`)).items.map((i) => i.paper.id);
    expect(await top('2022.wmt-1.102', 2)).toEqual(
      expect.arrayContaining(['2022.wmt-1.37', '2022.wmt-1.18']),
    );
    expect(await top('2023.eacl-main.34', 3)).toEqual(
      expect.arrayContaining(['2023.findings-emnlp.904', '2023.wmt-1.36']),
    );
    expect(await top('2022.acl-long.408', 2)).toEqual(
      expect.arrayContaining(['2023.emnlp-main.29', '2022.findings-emnlp.79']),
    );
    expect((await top('2023.emnlp-main.627', 1))[0]).toBe('2023.iwslt-1.3');
  });

  it('never returns the paper itself, and ranks by descending cosine', async () => {
    const { items } = await similar('2022.wmt-1.102', 'limit=50');
    expect(items.map((i) => i.paper.id)).not.toContain('2022.wmt-1.102');
    const scores = items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('honours year and venue filters with full pages', async () => {
    const { items } = await similar('2022.wmt-1.102', 'limit=20&yearFrom=2023&venue=findings');
    expect(items).toHaveLength(20);
    for (const { paper } of items) {
      expect(paper.year).toBeGreaterThanOrEqual(2023);
      expect(paper.venue.split('+')).toContain('findings');
    }
    const rare = await similar('2022.wmt-1.102', 'limit=5&venue=wmt');
    expect(rare.items.map((i) => i.paper.venue)).toEqual(
      ['wmt', 'wmt', 'wmt', 'wmt', 'wmt'].slice(0, rare.items.length),
    );
    const wmtPapers = sample.filter((p) => p.venue === 'wmt' && p.id !== '2022.wmt-1.102').length;
    expect(rare.items).toHaveLength(Math.min(5, wmtPapers));
  });

  it('pages through results without overlap', async () => {
    const first = await similar('2022.wmt-1.102', 'limit=10');
    const second = await similar('2022.wmt-1.102', 'limit=10&offset=10');
    const all = await similar('2022.wmt-1.102', 'limit=20');
    expect([...first.items, ...second.items].map((i) => i.paper.id)).toEqual(
      all.items.map((i) => i.paper.id),
    );
    expect(first.page.nextOffset).toBe(10);
  });

  it('when a closer paper arrives or a listed one goes, then the same question gets the new answer', async () => {
    const source = byId.get('2022.wmt-1.102')!;
    const before = (await similar(source.id, 'limit=5')).items.map((i) => i.paper.id);
    const twin = { ...source, id: 'test.twin-1', authors: [{ id: 'twin-author', name: 'Twin Author' }] };
    const stored = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: twin });
    expect(stored.statusCode).toBe(200);
    const withTwin = (await similar(source.id, 'limit=5')).items.map((i) => i.paper.id);
    expect(withTwin).toEqual(['test.twin-1', ...before.slice(0, 4)]);
    const removed = await t.app.inject({ method: 'DELETE', url: '/v1/papers/test.twin-1' });
    expect(removed.statusCode).toBe(204);
    expect((await similar(source.id, 'limit=5')).items.map((i) => i.paper.id)).toEqual(before);
  });

  it('excludes papers sharing an author when asked', async () => {
    const source = byId.get('2022.wmt-1.102')!;
    const authors = new Set(source.authors.map((a) => a.id));
    const { items } = await similar('2022.wmt-1.102', 'limit=30&excludeSameAuthors=true');
    expect(items).toHaveLength(30);
    for (const { paper } of items) expect(paper.authors.some((a) => authors.has(a.id))).toBe(false);
  });

  it('finds similar papers for a pasted abstract that is not in the store', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers/similar',
      payload: {
        title: 'Sign language translation with synthetic data',
        abstract:
          'We translate sign language glosses into spoken language text and augment scarce parallel data with back-translation of generated glosses.',
        limit: 3,
      },
    });
    expect(response.statusCode).toBe(200);
    const ids = response.json().items.map((i: { paper: Paper }) => i.paper.id);
    expect(ids).toEqual(expect.arrayContaining(['2023.eacl-main.34']));
  });

  it('recommends papers like the positives and excludes the examples themselves', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers/recommend',
      payload: {
        positive: ['2022.acl-long.408', '2023.emnlp-main.29'],
        negative: ['2022.wmt-1.102'],
        limit: 5,
      },
    });
    expect(response.statusCode).toBe(200);
    const ids: string[] = response.json().items.map((i: { paper: Paper }) => i.paper.id);
    expect(ids).toHaveLength(5);
    expect(ids).not.toContain('2022.acl-long.408');
    expect(ids).not.toContain('2022.wmt-1.102');
    expect(ids).toContain('2022.findings-emnlp.79');
  });

  it('builds researcher profiles from paper authors', async () => {
    const author = byId.get('2022.wmt-1.102')!.authors[0]!;
    const response = await t.app.inject({ url: `/v1/researchers/${author.id}` });
    expect(response.statusCode).toBe(200);
    const profile = response.json();
    const ownPapers = sample.filter((p) => p.authors.some((a) => a.id === author.id));
    expect(profile).toMatchObject({ id: author.id, claimed: false, openToCollaborate: false });
    expect(profile.counts.papers).toBe(ownPapers.length);
    const years = profile.works.map((w: Paper) => w.year);
    expect(years).toEqual([...years].sort((a, b) => b - a));
    // Close collaborators are ranked by joint papers, counted from the sample itself.
    const joint = new Map<string, number>();
    for (const p of ownPapers) {
      for (const a of p.authors) if (a.id !== author.id) joint.set(a.id, (joint.get(a.id) ?? 0) + 1);
    }
    expect(profile.counts.coauthors).toBe(joint.size);
    const best = Math.max(...joint.values());
    expect(profile.closeCollaborators[0].jointPapers).toBe(best);
    expect(joint.get(profile.closeCollaborators[0].id)).toBe(best);
  });

  it('searches researchers by name', async () => {
    const author = byId.get('2022.wmt-1.102')!.authors[0]!;
    const words = author.name.split(' ');
    const q = words.map((w) => w.slice(0, 3)).join(' ');
    const response = await t.app.inject({ url: `/v1/researchers?q=${encodeURIComponent(q)}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((r: { id: string }) => r.id)).toContain(author.id);
  });

  it('re-ingesting the same papers changes nothing and duplicates no edge', async () => {
    const paper = byId.get('2022.wmt-1.102')!;
    const author = paper.authors[0]!.id;
    const before = (await t.app.inject({ url: `/v1/researchers/${author}` })).json();
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: sample.slice(0, 50) },
    });
    expect(response.json().counts).toEqual({ created: 0, updated: 0, unchanged: 50 });
    const again = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: paper });
    expect(again.json().counts.unchanged).toBe(1);
    const after = (await t.app.inject({ url: `/v1/researchers/${author}` })).json();
    expect(after.counts).toEqual(before.counts);
    expect(after.closeCollaborators).toEqual(before.closeCollaborators);
  });

  it('updates a paper in place when its authors change, moving the co-author edges', async () => {
    const paper: Paper = {
      id: 'test.update-1',
      title: 'A test paper on dependency parsing',
      abstract: 'We parse sentences into dependency trees with a graph-based parser.',
      year: 2021,
      venue: 'test',
      authors: [
        { id: 'test-alice', name: 'Alice Test' },
        { id: 'test-bob', name: 'Bob Test' },
      ],
    };
    const created = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: paper });
    expect(created.json().items[0].status).toBe('created');
    const updated = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: {
        ...paper,
        year: 2022,
        authors: [paper.authors[0], { id: 'test-carol', name: 'Carol Test' }],
      },
    });
    expect(updated.json().items[0].status).toBe('updated');
    const alice = (await t.app.inject({ url: '/v1/researchers/test-alice' })).json();
    expect(alice.closeCollaborators).toEqual([
      { id: 'test-carol', name: 'Carol Test', jointPapers: 1, latestYear: 2022 },
    ]);
    const bob = (await t.app.inject({ url: '/v1/researchers/test-bob' })).json();
    expect(bob.counts).toEqual({ papers: 0, coauthors: 0, followers: 0 });

    const removed = await t.app.inject({ method: 'DELETE', url: '/v1/papers/test.update-1' });
    expect(removed.statusCode).toBe(204);
    expect((await t.app.inject({ url: '/v1/papers/test.update-1' })).statusCode).toBe(404);
    const aliceAfter = (await t.app.inject({ url: '/v1/researchers/test-alice' })).json();
    expect(aliceAfter.counts).toEqual({ papers: 0, coauthors: 0, followers: 0 });
    const search = await similar('2022.wmt-1.102', 'limit=100&venue=test');
    expect(search.items).toHaveLength(0);
  });

  it('accepts papers without authors and author ids in any script', async () => {
    const base = {
      title: 'Proceedings front matter',
      abstract: 'Preface of the workshop.',
      year: 2022,
      venue: 'ws',
    };
    const frontMatter = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...base, id: 'test.front', authors: [] },
    });
    expect(frontMatter.statusCode).toBe(200);
    const cjk = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...base, id: 'test.cjk', authors: [{ id: '冬瑜-张', name: '张冬瑜' }] },
    });
    expect(cjk.statusCode).toBe(200);
    const profile = await t.app.inject({ url: `/v1/researchers/${encodeURIComponent('冬瑜-张')}` });
    expect(profile.json()).toMatchObject({ id: '冬瑜-张', name: '张冬瑜' });
    for (const id of ['test.front', 'test.cjk'])
      await t.app.inject({ method: 'DELETE', url: `/v1/papers/${id}` });
  });

  it('reports readiness', async () => {
    const response = await t.app.inject({ url: '/readyz' });
    expect(response.json()).toEqual({ ready: true, checks: { redis: true, model: true, index: true } });
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ ok: true });
  });
});
