import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { createLogger } from '../../src/logger.ts';
import { startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

/** A hand-made corpus on dependency parsing whose citations have obvious right answers. */
const corpus: Paper[] = fs
  .readFileSync(path.resolve(import.meta.dirname, '../fixtures/citations.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Paper);
const byId = new Map(corpus.map((paper) => [paper.id, paper]));
const citing = corpus.filter((paper) => paper.references?.length);
const cited = corpus.filter((paper) => !paper.references?.length);

type Page = { items: Paper[]; page: { total: number; nextOffset: number | null } };

async function post(t: TestApp, papers: Paper[]) {
  const response = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: { papers } });
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function get<T>(t: TestApp, url: string, status = 200): Promise<T> {
  const response = await t.app.inject({ url });
  expect(response.statusCode, response.body).toBe(status);
  return response.json() as T;
}

/** Every citation of the store as "citing → cited", read through the references route. */
async function citationEdges(t: TestApp): Promise<string[]> {
  const edges: string[] = [];
  for (const paper of corpus) {
    const { items } = await get<Page>(t, `/v1/papers/${paper.id}/references?limit=100`);
    for (const item of items) edges.push(`${paper.id} → ${item.id}`);
  }
  return edges.sort();
}

const counts = async (t: TestApp, id: string) =>
  (
    await get<{ counts: { references: number; referencesInStore: number; citations: number } }>(
      t,
      `/v1/papers/${id}`,
    )
  ).counts;

let citingFirst: TestApp;
let citedFirst: TestApp;

beforeAll(async () => {
  citingFirst = await startTestApp('citations-citing-first');
  citedFirst = await startTestApp('citations-cited-first');
  // The same papers in opposite orders: references waiting for their papers, and papers waiting to be cited.
  await post(citingFirst, citing);
  await post(citingFirst, cited);
  await post(citedFirst, cited);
  await post(citedFirst, citing);
});
afterAll(async () => {
  await stopTestApp(citingFirst);
  await stopTestApp(citedFirst);
});

describe('citation edges', () => {
  it('are the same whichever of two papers is stored first, matched by id, DOI or title and year', async () => {
    const edges = await citationEdges(citingFirst);
    expect(edges).toEqual(await citationEdges(citedFirst));
    expect(edges).toEqual(
      [
        'ana-crosslingual → ana-gnn-parsing',
        'ana-crosslingual → biaffine-parser', // by title, other case and punctuation
        'ana-crosslingual → ud-treebanks', // by DOI written as a resolver URL
        'ana-gnn-parsing → biaffine-parser',
        'ben-srl → ana-crosslingual',
        'ben-srl → ana-gnn-parsing',
        'cara-multitask → ana-gnn-parsing',
        'cara-multitask → dan-morph-parsing',
        'eve-lowresource → ana-gnn-parsing',
        'eve-lowresource → dan-morph-parsing',
        'fay-evaluation → ana-crosslingual',
        'fay-evaluation → dan-morph-parsing',
        'jon-treebank-conversion → biaffine-parser',
        'jon-treebank-conversion → ud-treebanks',
      ].sort(),
    );
    expect(await counts(citedFirst, 'ana-crosslingual')).toEqual({
      references: 3,
      referencesInStore: 3,
      citations: 2,
    });
  });

  it('page newest first with totals, for references and citations alike', async () => {
    const first = await get<Page>(citingFirst, '/v1/papers/dan-morph-parsing/citations?limit=2');
    expect(first.page).toMatchObject({ total: 3, nextOffset: 2 });
    expect(first.items.map((p) => p.year)).toEqual([2022, 2022]);
    expect(first.items.map((p) => p.id).sort()).toEqual(['eve-lowresource', 'fay-evaluation']);
    const second = await get<Page>(citingFirst, '/v1/papers/dan-morph-parsing/citations?limit=2&offset=2');
    expect(second.items.map((p) => p.id)).toEqual(['cara-multitask']);
    expect(second.page).toMatchObject({ total: 3, nextOffset: null });
    const references = await get<Page>(citingFirst, '/v1/papers/ana-crosslingual/references');
    expect(references.items.map((p) => p.id)).toEqual(['ana-gnn-parsing', 'biaffine-parser', 'ud-treebanks']);
    expect(references.items[0]).toMatchObject({
      title: byId.get('ana-gnn-parsing')!.title,
      authors: [{ id: 'ana-silva' }],
    });
    await get(citingFirst, '/v1/papers/no-such-paper/citations', 404);
  });

  it('stay exact through delete, re-ingest with other references, and unchanged re-ingest', async () => {
    const t = citedFirst;
    const dan = byId.get('dan-morph-parsing')!;
    const response = await t.app.inject({ method: 'DELETE', url: '/v1/papers/dan-morph-parsing' });
    expect(response.statusCode).toBe(204);
    await get(t, '/v1/papers/dan-morph-parsing/citations', 404);
    expect(await counts(t, 'cara-multitask')).toEqual({ references: 2, referencesInStore: 1, citations: 0 });
    await post(t, [dan]);
    expect(await counts(t, 'dan-morph-parsing')).toMatchObject({ citations: 3 });
    expect(await counts(t, 'cara-multitask')).toMatchObject({ referencesInStore: 2 });

    const cara = byId.get('cara-multitask')!;
    await post(t, [{ ...cara, references: ['ana-gnn-parsing'] }]);
    expect(await counts(t, 'dan-morph-parsing')).toMatchObject({ citations: 2 });
    expect(await counts(t, 'ana-gnn-parsing')).toMatchObject({ citations: 4 });
    await post(t, [cara]);
    await post(t, [cara]);
    expect(await counts(t, 'dan-morph-parsing')).toMatchObject({ citations: 3 });
    expect(await citationEdges(t)).toEqual(await citationEdges(citingFirst));
    // The in-memory citation graph of the index followed every change.
    expect(
      t.container.citationIndex.graph
        .edges()
        .map(([a, b]) => `${a} → ${b}`)
        .sort(),
    ).toEqual(await citationEdges(t));
  });

  it('are loaded from the index snapshot by a new process', async () => {
    await citingFirst.container.paperIndex.save();
    const config = loadConfig(citingFirst.env);
    const other = createContainer(config, createLogger('warn', 'citations-reopen'));
    try {
      expect((await other.start({ backgroundSync: false })).indexRebuilt).toBe(false);
      expect(other.citationIndex.graph.edges().sort()).toEqual(
        citingFirst.container.citationIndex.graph.edges().sort(),
      );
      expect(other.citationIndex.graph.edgeCount).toBe(14);
    } finally {
      await other.close();
    }
  });
});

describe('citations in recommendations and profiles', () => {
  it('co-citation ranks the paper cited together with the researcher’s papers first, beside the one citing theirs', async () => {
    type Related = { items: { paper: Paper; score: number }[] };
    const { items } = await get<Related>(citingFirst, '/v1/researchers/ana-silva/related-papers?limit=5');
    // Cited together with hers three times; the other cites hers and names her phrases (parsing,
    // tagging): the two papers most tied to her work come first, the order between them is the text's.
    expect(
      items
        .slice(0, 2)
        .map((i) => i.paper.id)
        .sort(),
      JSON.stringify(items.map((i) => [i.paper.id, i.score])),
    ).toEqual(['cara-multitask', 'dan-morph-parsing']);
    const ids = items.map((i) => i.paper.id);
    // Never their own papers, nor the papers they already cite.
    for (const known of ['ana-gnn-parsing', 'ana-crosslingual', 'biaffine-parser', 'ud-treebanks'])
      expect(ids).not.toContain(known);
  });

  it('a researcher whose papers cite the query’s gets the evidence in words', async () => {
    type Suggestions = {
      items: { researcher: { id: string }; evidence: { citations: string[]; sources: string[] } }[];
    };
    const { items } = await get<Suggestions>(citingFirst, '/v1/researchers/ana-silva/collaborators?limit=20');
    const evidence = (id: string) => items.find((i) => i.researcher.id === id)?.evidence;
    expect(evidence('ben-ito')?.citations).toEqual(['cites 2 of your papers']);
    expect(evidence('ben-ito')?.sources).toContain('citations');
    expect(evidence('jon-weber')?.citations).toEqual(['you share 2 references']);
    expect(evidence('ivy-chen')?.citations).toEqual(['you cite one of their papers']);
    expect(evidence('lea-grant')?.citations ?? []).toEqual([]);
  });

  it('profiles count citations received and given, and who cites the researcher most', async () => {
    type Profile = {
      citations: {
        received: number;
        given: number;
        mostCitedBy: { id: string; name: string; citations: number }[];
      };
    };
    const profile = await get<Profile>(citingFirst, '/v1/researchers/ana-silva');
    expect(profile.citations.received).toBe(5);
    expect(profile.citations.given).toBe(3);
    expect(profile.citations.mostCitedBy[0]).toEqual({ id: 'ben-ito', name: 'Ben Ito', citations: 2 });
    expect(profile.citations.mostCitedBy.map((c) => c.id)).not.toContain('ana-silva');
  });

  it('the research graph slice has cites edges between its papers', async () => {
    type Slice = { edges: { source: string; target: string; type: string }[] };
    const { edges } = await get<Slice>(citingFirst, '/v1/researchers/ana-silva/graph?limit=60');
    expect(edges).toContainEqual({
      source: 'paper:ana-crosslingual',
      target: 'paper:ana-gnn-parsing',
      type: 'cites',
    });
    expect(edges.filter((e) => e.type === 'cites').length).toBeGreaterThan(1);
  });
});

describe('bad references', () => {
  const paper = { ...byId.get('lea-speech')!, id: 'bad-refs' };
  const refused = async (references: unknown, status: number, pathPart: string) => {
    const response = await citingFirst.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, references },
    });
    expect(response.statusCode, response.body).toBe(status);
    expect(JSON.stringify(response.json().error.details)).toContain(pathPart);
  };

  it('are refused with a 4xx naming the entry, and nothing is stored', async () => {
    await refused(['bad-refs'], 400, 'references.0');
    await refused(
      [
        'ana-gnn-parsing',
        { doi: paper.doi ?? '10.9/x', title: 'x' },
        { title: paper.title, year: paper.year },
      ],
      400,
      'references.2',
    );
    await refused([42], 400, 'references.0');
    await refused([{ title: 'No year' }], 400, 'references.0');
    await refused(
      Array.from({ length: 2001 }, (_, i) => `p${i}`),
      400,
      'references',
    );
    await get(citingFirst, '/v1/papers/bad-refs', 404);
  });
});
