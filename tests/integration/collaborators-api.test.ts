import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContainer } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { createLogger } from '../../src/logger.ts';
import { DEFAULT_DIVERSITY } from '../../src/recommend/collaborator-ranking.ts';
import { isGenericWord } from '../../src/recommend/key-phrases.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const sample = readSample();
const papersBy = new Map<string, Paper[]>();
for (const p of sample) for (const a of p.authors) papersBy.set(a.id, [...(papersBy.get(a.id) ?? []), p]);
const coauthorsOf = (id: string) =>
  new Set((papersBy.get(id) ?? []).flatMap((p) => p.authors.map((a) => a.id)).filter((a) => a !== id));
const prolific = [...papersBy].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]![0];

type Suggestion = {
  researcher: { id: string; affiliations: string[]; openToCollaborate: boolean; claimed: boolean };
  score: number;
  evidence: {
    sharedTopics: string[];
    mutualCoauthors: { id: string; name: string }[];
    closestPapers: { mine: { id: string } | null; theirs: { id: string }; similarity: number } | null;
    sources: string[];
  };
  canInvite: boolean;
  inviteHint: string | null;
};

async function suggestions(
  id: string,
  query = '',
): Promise<{ items: Suggestion[]; method: { kind: string } }> {
  const response = await t.app.inject({ url: `/v1/researchers/${id}/collaborators?${query}` });
  expect(response.statusCode).toBe(200);
  return response.json();
}

beforeAll(async () => {
  // The store of every test here: the sample, with ranking models learned from it.
  t = await startTestApp('collaborators-api');
  await t.container.services.papers.store(sample);
  await t.container.paperIndex.catchUp();
  await t.container.services.rankingModel.train();
});
afterAll(() => stopTestApp(t));

describe('collaborator suggestions on the 500-paper sample', () => {
  it('reports the options a list was ranked with, defaults filled in', async () => {
    const defaults = await t.app.inject({ url: `/v1/researchers/${prolific}/collaborators?limit=3` });
    expect(defaults.json().options).toEqual({
      novelty: 0,
      diversity: DEFAULT_DIVERSITY,
      excludeCoauthors: true,
      openToCollaborateOnly: false,
    });
    const chosen = await t.app.inject({
      url: `/v1/researchers/${prolific}/collaborators?limit=3&novelty=0.4&diversity=0&excludeCoauthors=false`,
    });
    expect(chosen.json().options).toEqual({
      novelty: 0.4,
      diversity: 0,
      excludeCoauthors: false,
      openToCollaborateOnly: false,
    });
    const cold = await t.app.inject({
      method: 'POST',
      url: '/v1/collaborators/suggest',
      payload: { text: 'neural machine translation', options: { limit: 3, openToCollaborateOnly: true } },
    });
    expect(cold.json().options).toMatchObject({ diversity: DEFAULT_DIVERSITY, openToCollaborateOnly: true });
  });

  it('falls back to the classic order before a model is trained, then learns one from the stored data', async () => {
    const fresh = await startTestApp('collaborators-classic');
    try {
      await fresh.container.services.papers.store(sample);
      const kind = async () =>
        (await fresh.app.inject({ url: `/v1/researchers/${prolific}/collaborators?limit=3` })).json().method
          .kind;
      expect(await kind()).toBe('classic-order');
      const models = await fresh.container.services.rankingModel.train();
      expect(models!.graph.training.positives).toBeGreaterThan(20);
      expect(models!.graph.features).toContain('adamicAdar');
      expect(models!.topic.features).not.toContain('adamicAdar');
      // The shortlist models: the same features but the two that are costly per candidate.
      const withoutPairs = (features: string[]) =>
        features.filter((f) => f !== 'closestPaperSimilarity' && f !== 'sameInstitution');
      expect(models!.shortlist.graph.features).toEqual(withoutPairs(models!.graph.features));
      expect(models!.shortlist.topic.features).toEqual(withoutPairs(models!.topic.features));
      expect(models!.shortlist.graph.features).toHaveLength(models!.graph.features.length - 2);
      expect(models!.storedPapers).toBe(sample.length);
      expect(await kind()).toBe('learned');
    } finally {
      await stopTestApp(fresh);
    }
  });

  it('when training is asked for over HTTP, then it is queued for the worker (202 with the job)', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/v1/ranking-model/train' });
    expect(response.statusCode).toBe(202);
    const job = await t.app.inject({ url: `/v1/jobs/${encodeURIComponent(response.json().jobId)}` });
    expect(job.json()).toMatchObject({ name: 'train-ranking-model', data: { reason: 'on-demand' } });
  });

  it('when the ranking model changes, then suggestions cached with the old one are not served', async () => {
    const url = `/v1/researchers/${prolific}/collaborators`;
    const cached = await t.container.services.collaborators.refreshCached(prolific);
    expect((await t.app.inject({ url })).json().computedAt).toBe(cached!.computedAt);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later trainedAt
    await t.container.services.rankingModel.train('another seed');
    expect((await t.app.inject({ url })).json().computedAt).toBeNull();
  });

  it('when another process learns new models and caches lists with them, then those lists are served at once', async () => {
    const url = `/v1/researchers/${prolific}/collaborators`;
    // This process has read the models in use (it keeps them a minute) ...
    await t.container.services.collaborators.refreshCached(prolific);
    expect((await t.app.inject({ url })).json().computedAt).not.toBeNull();
    // ... when a worker learns new ones and caches this researcher's list with them.
    const worker = createContainer(t.config, createLogger('warn', 'collaborators-api-worker'));
    try {
      await worker.start({ backgroundSync: false });
      await new Promise((resolve) => setTimeout(resolve, 5)); // a later trainedAt
      await worker.services.rankingModel.train('a third seed');
      const cached = await worker.services.collaborators.refreshCached(prolific);
      expect((await t.app.inject({ url })).json().computedAt).toBe(cached!.computedAt);
    } finally {
      await worker.close();
    }
  });

  it('when a refresh runs in the worker while it learns new models, then no training step runs until the refresh is done', async () => {
    // At 100k papers training takes minutes in steps of up to half a second; a refresh whose every
    // await queued behind one of them took seconds instead of 120 ms (docs/BENCHMARKS.md).
    const worker = createContainer(t.config, createLogger('warn', 'collaborators-api-worker'));
    const researchers = worker.repositories.researchers;
    const affiliationsAsOf = researchers.affiliationsAsOf.bind(researchers);
    // Training asks for affiliations as of its view's year once per query; refreshes never give a year.
    let trainingSteps = 0;
    let stepsDuringRefreshes: Promise<number> | null = null;
    const refreshed = [...papersBy.keys()].sort().slice(0, 5);
    const spy = vi.spyOn(researchers, 'affiliationsAsOf').mockImplementation((ids, year) => {
      if (year !== undefined) {
        trainingSteps += 1;
        stepsDuringRefreshes ??= worker.foreground.run(async () => {
          const before = trainingSteps;
          for (const id of refreshed) await worker.services.collaborators.refreshCached(id);
          return trainingSteps - before;
        });
      }
      return affiliationsAsOf(ids, year);
    });
    try {
      await worker.start({ backgroundSync: false });
      const models = await worker.services.rankingModel.train('giving way');
      expect(models).not.toBeNull();
      expect(stepsDuringRefreshes).not.toBeNull();
      expect(await stepsDuringRefreshes).toBe(0);
      // Training had steps left to interleave: without giving way they ran between the refreshes' awaits.
      expect(trainingSteps).toBeGreaterThan(20);
    } finally {
      spy.mockRestore();
      await worker.close();
    }
  });

  it('suggests new people only, each with evidence', async () => {
    const { items } = await suggestions(prolific, 'limit=10&diversity=0');
    expect(items).toHaveLength(10);
    const known = coauthorsOf(prolific);
    for (const item of items) {
      expect(item.researcher.id).not.toBe(prolific);
      expect(known.has(item.researcher.id)).toBe(false);
      expect(item.evidence.closestPapers?.similarity).toBeGreaterThan(0);
      expect(item.evidence.sources.length).toBeGreaterThan(0);
      expect(item.canInvite).toBe(false);
      expect(item.inviteHint).toMatch(/claim this author/);
    }
    const scores = items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The learned model's score is a probability in [0, 1], not raw log-odds.
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...scores)).toBeLessThanOrEqual(1);
    // Mutual co-authors named in the evidence really are co-authors of both.
    for (const item of items) {
      for (const mutual of item.evidence.mutualCoauthors) {
        expect(known.has(mutual.id)).toBe(true);
        expect(coauthorsOf(item.researcher.id).has(mutual.id)).toBe(true);
      }
    }
    expect(items.some((i) => i.evidence.sharedTopics.length > 0)).toBe(true);
  });

  it('includes the close circle when excludeCoauthors=false', async () => {
    const { items } = await suggestions(prolific, 'limit=30&excludeCoauthors=false');
    const known = coauthorsOf(prolific);
    expect(items.some((i) => known.has(i.researcher.id))).toBe(true);
  });

  it('honours conflicts of interest, openness and activity filters', async () => {
    const first = (await suggestions(prolific, 'limit=5')).items;
    const excluded = first[0]!.researcher.id;
    const without = await suggestions(prolific, `limit=20&excludeIds=${excluded}`);
    expect(without.items.map((i) => i.researcher.id)).not.toContain(excluded);

    const open = first[1]!.researcher.id;
    await t.container.repositories.researchers.updateProfile(open, {
      openToCollaborate: true,
      claimed: true,
    });
    const onlyOpen = await suggestions(prolific, 'limit=10&openToCollaborateOnly=true');
    expect(onlyOpen.items.map((i) => i.researcher.id)).toEqual([open]);
    expect(onlyOpen.items[0]!.canInvite).toBe(true);

    const recent = await suggestions(prolific, 'limit=20&activeSince=2023');
    for (const item of recent.items) {
      expect((papersBy.get(item.researcher.id) ?? []).some((p) => p.year >= 2023)).toBe(true);
    }
    const withAffiliation = first.find((i) => i.researcher.affiliations.length > 0);
    if (withAffiliation) {
      const institution = withAffiliation.researcher.affiliations[0]!;
      const filtered = await suggestions(
        prolific,
        `limit=20&excludeInstitutions=${encodeURIComponent(institution)}`,
      );
      for (const item of filtered.items) expect(item.researcher.affiliations).not.toContain(institution);
    }
  });

  it('gives different lists for high novelty (farther in the graph)', async () => {
    const near = await suggestions(prolific, 'limit=10&novelty=0&diversity=0');
    const far = await suggestions(prolific, 'limit=10&novelty=1&diversity=0');
    const mutualNear = near.items.reduce((s, i) => s + i.evidence.mutualCoauthors.length, 0);
    const mutualFar = far.items.reduce((s, i) => s + i.evidence.mutualCoauthors.length, 0);
    expect(mutualFar).toBeLessThan(mutualNear);
    const farScores = far.items.map((i) => i.score);
    expect(Math.min(...farScores)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...farScores)).toBeLessThanOrEqual(1);
  });

  it('answers a visitor with only text (cold start), by topic', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/collaborators/suggest',
      payload: {
        text: 'End-to-end speech translation with prompt learning and self-supervised speech encoders.',
        options: { limit: 5 },
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.items).toHaveLength(5);
    expect(body.method).toMatchObject({ kind: 'learned', featureSet: 'topic' });
    const authorsOfSpeechPaper = new Set(
      sample.find((p) => p.id === '2023.emnlp-main.627')!.authors.map((a) => a.id),
    );
    const speechAuthors = new Set(
      sample.filter((p) => /speech/i.test(p.title)).flatMap((p) => p.authors.map((a) => a.id)),
    );
    expect(
      body.items.some(
        (i: Suggestion) => speechAuthors.has(i.researcher.id) || authorsOfSpeechPaper.has(i.researcher.id),
      ),
    ).toBe(true);
    for (const item of body.items as Suggestion[]) expect(item.evidence.mutualCoauthors).toEqual([]);
  });

  it('answers a newcomer with one stored paper, leaving out that paper’s authors', async () => {
    const paper = sample.find((p) => p.id === '2023.emnlp-main.627')!;
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/collaborators/suggest',
      payload: { paperIds: [paper.id], options: { limit: 5 } },
    });
    expect(response.statusCode).toBe(200);
    const ids = response.json().items.map((i: Suggestion) => i.researcher.id);
    for (const author of paper.authors) expect(ids).not.toContain(author.id);
  });
});

describe('related papers, similar researchers, graph slice and profile topics', () => {
  it('lists related papers that are not the researcher’s own, recent first on ties', async () => {
    const response = await t.app.inject({ url: `/v1/researchers/${prolific}/related-papers?limit=20` });
    expect(response.statusCode).toBe(200);
    const items: { paper: Paper; score: number }[] = response.json().items;
    expect(items).toHaveLength(20);
    const own = new Set((papersBy.get(prolific) ?? []).map((p) => p.id));
    for (const { paper } of items) expect(own.has(paper.id)).toBe(false);
    const seen = await t.app.inject({
      url: `/v1/researchers/${prolific}/related-papers?limit=20&excludeSeen=true&yearFrom=2023`,
    });
    const circle = new Set([prolific, ...coauthorsOf(prolific)]);
    for (const { paper } of seen.json().items as { paper: Paper }[]) {
      expect(paper.year).toBeGreaterThanOrEqual(2023);
      expect(paper.authors.some((a) => circle.has(a.id))).toBe(false);
    }
  });

  it('ranks a paper naming the researcher’s most distinctive phrases above one as near in text that does not', async () => {
    const fresh = await startTestApp('related-phrases');
    try {
      await fresh.container.services.papers.store(sample);
      await fresh.container.paperIndex.catchUp();
      const mine = fresh.container.researcherIndex.graph.papersNewestFirst(prolific);
      const profile = await fresh.container.services.neighbourhood.termProfileOf(mine);
      const distinctive = [...profile.weights]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 3)
        .map(([term]) => term);
      const newest = sample.find((p) => p.id === mine[0])!;
      // Two papers by a stranger on the researcher's newest subject, one also naming their phrases.
      const abstract = distinctive.reduce((text, term) => text.split(term).join('it'), newest.abstract);
      const stranger = [{ id: 'phrase-stranger', name: 'Phrase Stranger' }];
      const paper = (id: string, text: string) => ({
        ...newest,
        id,
        title: `On ${newest.title}`,
        abstract: text,
        authors: stranger,
        year: 2024,
      });
      await fresh.container.services.papers.store([
        paper('phrase-without', abstract),
        paper(
          'phrase-with',
          `${abstract} We also report on ${distinctive.map((t) => `the ${t}`).join(', ')}.`,
        ),
      ]);
      const response = await fresh.app.inject({ url: `/v1/researchers/${prolific}/related-papers?limit=50` });
      const items: { paper: Paper; score: number }[] = response.json().items;
      const score = (id: string) => items.find((i) => i.paper.id === id)?.score ?? Number.NaN;
      expect(score('phrase-with') - score('phrase-without'), distinctive.join()).toBeGreaterThan(0.05);
    } finally {
      await stopTestApp(fresh);
    }
  });

  it('lists researchers with similar topics, most similar first', async () => {
    const response = await t.app.inject({ url: `/v1/researchers/${prolific}/similar?limit=5` });
    expect(response.statusCode).toBe(200);
    const items: { researcher: { id: string }; similarity: number }[] = response.json().items;
    expect(items).toHaveLength(5);
    expect(items.map((i) => i.researcher.id)).not.toContain(prolific);
    const sims = items.map((i) => i.similarity);
    expect(sims).toEqual([...sims].sort((a, b) => b - a));
  });

  it('builds a bounded graph slice whose edges join shown nodes', async () => {
    const response = await t.app.inject({ url: `/v1/researchers/${prolific}/graph?depth=2&limit=40` });
    expect(response.statusCode).toBe(200);
    const { nodes, edges } = response.json() as {
      nodes: { id: string; type: string; focus?: boolean }[];
      edges: { source: string; target: string; type: string }[];
    };
    expect(nodes.length).toBeLessThanOrEqual(60);
    expect(nodes.filter((n) => n.focus)).toHaveLength(1);
    expect(new Set(nodes.map((n) => n.type))).toEqual(
      expect.objectContaining(new Set(['researcher', 'paper', 'topic'])),
    );
    const ids = new Set(nodes.map((n) => n.id));
    for (const edge of edges) {
      expect(ids.has(edge.source)).toBe(true);
      expect(ids.has(edge.target)).toBe(true);
    }
    expect(new Set(edges.map((e) => e.type))).toEqual(
      expect.objectContaining(new Set(['authored', 'co-authored', 'similar-to'])),
    );
  });

  it('shows readable topics and close collaborators on the profile', async () => {
    const response = await t.app.inject({ url: `/v1/researchers/${prolific}` });
    const profile = response.json();
    expect(profile.topics.length).toBeGreaterThan(0);
    for (const topic of profile.topics) expect(topic).toMatch(/^[\p{L}\p{N} -]+$/u);
    expect(profile.topics.filter(isGenericWord)).toEqual([]);
    expect(profile.closeCollaborators.length).toBeGreaterThan(0);
  });

  it('when the worker has ranked the topics, then the profile shows its order, phrases of their own papers', async () => {
    const before = (await t.app.inject({ url: `/v1/researchers/${prolific}` })).json().topics as string[];
    const ranked = await t.container.services.profileTopics.refresh(prolific);
    expect(ranked!.phrases.length).toBeGreaterThan(0);
    const after = (await t.app.inject({ url: `/v1/researchers/${prolific}` })).json().topics as string[];
    expect(after).toEqual(ranked!.phrases.slice(0, after.length));
    // The ranked list is drawn from the same candidates as the TF-IDF one, only re-ordered and thinned.
    const candidates = await t.container.services.neighbourhood.topicCandidates(prolific, 30);
    const allowed = new Set([...candidates.keywords, ...candidates.phrases]);
    for (const topic of after) expect(allowed.has(topic)).toBe(true);
    expect(before.length).toBeGreaterThan(0);
    const texts = (await t.container.services.papers.list({ offset: 0, limit: 500 })).items
      .filter((p) => p.authors.some((a) => a.id === prolific))
      .map((p) => `${p.title} ${p.abstract} ${(p.keywords ?? []).join(' ')}`.toLowerCase());
    for (const topic of after) expect(texts.some((text) => text.includes(topic.toLowerCase()))).toBe(true);
  });
});

describe('options are validated', () => {
  const bad = [
    'novelty=2',
    'diversity=-0.1',
    'limit=0',
    'limit=51',
    'activeSince=soon',
    'excludeCoauthors=perhaps',
    'offset=-3',
    'color=blue',
  ];
  for (const query of bad) {
    it(`answers 400 for ${query}`, async () => {
      const response = await t.app.inject({ url: `/v1/researchers/${prolific}/collaborators?${query}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    });
  }

  it('answers 404 for an unknown researcher on every researcher route', async () => {
    for (const route of ['collaborators', 'related-papers', 'similar', 'graph']) {
      const response = await t.app.inject({ url: `/v1/researchers/nobody-here/${route}` });
      expect(response.statusCode).toBe(404);
    }
  });

  it('rejects cold-start requests without text or papers, and with unknown papers', async () => {
    const empty = await t.app.inject({ method: 'POST', url: '/v1/collaborators/suggest', payload: {} });
    expect(empty.statusCode).toBe(400);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/collaborators/suggest',
      payload: { paperIds: ['no-such-paper'] },
    });
    expect(unknown.statusCode).toBe(422);
    const badGraph = await t.app.inject({ url: `/v1/researchers/${prolific}/graph?depth=5` });
    expect(badGraph.statusCode).toBe(400);
  });
});
