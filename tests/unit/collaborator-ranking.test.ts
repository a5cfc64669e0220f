import { describe, expect, it } from 'vitest';
import type { PaperMeta } from '../../src/domain/paper-filters.ts';
import {
  adamicAdar,
  coauthorGroupSimilarity,
  commonNeighbours,
  personalizedPageRank,
  sharedNeighbourScores,
} from '../../src/graph/proximity.ts';
import { ResearchGraph, tieStrength } from '../../src/graph/research-graph.ts';
import { CANDIDATE_LIMITS, type RankingQuery } from '../../src/recommend/candidates.ts';
import {
  type CandidateProfile,
  type CollaboratorOptions,
  collaboratorOptions,
  collectCandidates,
  diversify,
  rankCollaborators,
  SHORTLIST_SIZE,
} from '../../src/recommend/collaborator-ranking.ts';
import { ALL_FEATURES, type Features } from '../../src/recommend/features.ts';
import { fitLogisticRegression } from '../../src/recommend/logistic-regression.ts';
import {
  candidateScores,
  maximalMarginalRelevance,
  percentiles,
  type RankerModel,
  scoreCandidates,
} from '../../src/recommend/ranker.ts';
import { HistoricalRankingData } from '../../src/recommend/ranking-data.ts';
import { PaperMatcher } from '../../src/vector/paper-matcher.ts';
import { VectorIndex } from '../../src/vector/vector-index.ts';

const settings = { m: 8, efConstruction: 50, efSearch: 50 };

/** Unit vector along a direction with a little of a second one. */
function vector(main: number, mix = 0, other = (main + 1) % 4): Float32Array {
  const v = new Float32Array(4);
  v[main] = 1;
  v[other] = (v[other] ?? 0) + mix;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

type HandPaper = { id: string; authors: string[]; topic: Float32Array; year?: number; venue?: string };

function world(papers: HandPaper[]) {
  const index = new VectorIndex<PaperMeta>(4, settings);
  for (const p of papers)
    index.upsert(p.id, p.topic, { year: p.year ?? 2020, venue: p.venue ?? 'acl', authorIds: p.authors });
  return new HistoricalRankingData(index, () => true, 2020);
}

function queryOf(data: HistoricalRankingData, researcher: string): RankingQuery {
  return { researcher, interests: data.interestsOf(researcher)!, paperIds: data.graph.papersOf(researcher) };
}

const options = collaboratorOptions({ limit: 10 });
const matcher = new PaperMatcher();
const noProfiles = () => undefined;

/** What ranking asked for: whose profiles, and which of their papers were compared with the query's. */
type Fetched = { profiles: string[][]; comparedPapers: string[] };

async function rank(
  data: HistoricalRankingData,
  researcher: string,
  opts: Partial<CollaboratorOptions> = {},
  profiles: (id: string) => CandidateProfile | undefined = noProfiles,
  fetched: Fetched = { profiles: [], comparedPapers: [] },
) {
  const ranked = await rankCollaborators(
    queryOf(data, researcher),
    data,
    { ...options, ...opts },
    {
      models: null,
      profilesOf: async (ids) => {
        fetched.profiles.push(ids);
        return new Map(ids.flatMap((id) => (profiles(id) ? [[id, profiles(id)!]] : [])));
      },
      closestPapers: (mine, theirs) => {
        fetched.comparedPapers.push(...theirs.map((p) => p.id));
        return matcher.closest(mine, theirs);
      },
      queryAffiliations: ['Query University'],
      referenceYear: 2020,
    },
  );
  return ranked;
}

/**
 * q wrote with a and b; a and b both wrote with c (so c closes two triangles); s is a stranger on the
 * same topic with no path to q; t works on a far topic.
 */
const triangleWorld = () =>
  world([
    { id: 'p1', authors: ['q', 'a'], topic: vector(0) },
    { id: 'p2', authors: ['q', 'b'], topic: vector(0, 0.1) },
    { id: 'p3', authors: ['a', 'c'], topic: vector(0, 0.2) },
    { id: 'p4', authors: ['b', 'c'], topic: vector(0, 0.2) },
    { id: 'p5', authors: ['s', 'x'], topic: vector(0, 0.05) },
    { id: 'p6', authors: ['t'], topic: vector(2) },
  ]);

describe('graph proximity on hand-made graphs', () => {
  it('counts shared co-authors and weighs them by their degree', () => {
    const data = triangleWorld();
    expect(commonNeighbours(data.graph, 'q', 'c')).toBe(2);
    expect(commonNeighbours(data.graph, 'q', 's')).toBe(0);
    expect(adamicAdar(data.graph, 'q', 'c')).toBeCloseTo(2 / Math.log(2), 6);
    expect(sharedNeighbourScores(data.graph, 'q', 'c', 2020, 4).resourceAllocation).toBeCloseTo(1, 6);
  });

  it('counts a shared co-author by the strength of both ties: joint papers, each 1/(authors − 1), newer ones more', () => {
    const crowd = Array.from({ length: 9 }, (_, i) => `crowd-${i}`);
    const data = world([
      { id: 'p1', authors: ['q', 'a'], topic: vector(0) },
      { id: 'p2', authors: ['q', 'a'], topic: vector(0) },
      { id: 'p3', authors: ['q', 'a'], topic: vector(0), year: 2016 },
      { id: 'p4', authors: ['a', 'c'], topic: vector(0) },
      { id: 'p5', authors: ['a', 'c'], topic: vector(0) },
      { id: 'p6', authors: ['a', 'd', ...crowd], topic: vector(0) },
      { id: 'p7', authors: ['a', 'e'], topic: vector(0), year: 2012 },
    ]);
    // a has 13 co-authors. In 2020 q–a weighs 1 + 1 + ½ (2016 is one half-life back), a–c 2, a–d
    // 1/10 (one paper of eleven authors), a–e ¼ (2012).
    const degree = Math.log(13);
    const at2020 = (b: string) => sharedNeighbourScores(data.graph, 'q', b, 2020, 4).tieStrengthAdamicAdar;
    expect(at2020('c')).toBeCloseTo(2 / degree, 6);
    expect(at2020('d')).toBeCloseTo(0.1 / degree, 6);
    expect(at2020('e')).toBeCloseTo(0.25 / degree, 6);
    // Four years on, every tie is worth half.
    expect(sharedNeighbourScores(data.graph, 'q', 'c', 2024, 4).tieStrengthAdamicAdar).toBeCloseTo(
      1 / degree,
      6,
    );
    // Adamic–Adar itself cannot tell the three apart.
    expect(adamicAdar(data.graph, 'q', 'c')).toBeCloseTo(adamicAdar(data.graph, 'q', 'd'), 9);
  });

  it('keeps tie strengths exact when papers are removed again', () => {
    const papers = [
      { id: 'p1', meta: { year: 2019, venue: '', authorIds: ['a', 'b', 'c'] } },
      { id: 'p2', meta: { year: 2021, venue: '', authorIds: ['a', 'b'] } },
    ];
    const graph = ResearchGraph.fromPapers(papers);
    graph.addPaper('p3', { year: 2022, venue: '', authorIds: ['a', 'b', 'd', 'e'] });
    graph.removePaper('p3');
    const fresh = ResearchGraph.fromPapers(papers);
    expect(graph.neighbours('a').get('b')).toEqual(fresh.neighbours('a').get('b'));
    expect(tieStrength(graph.neighbours('a').get('b')!, 2021)).toBeCloseTo(1 + 0.5 ** (2 / 4) / 2, 6);
  });

  it('gives every shared-co-author score from one walk, whichever side has more co-authors', () => {
    // q has five co-authors, c two: q–a (2016) and a–c (2020), q–b (2020) and b–c (2018).
    const data = world([
      { id: 'p1', authors: ['q', 'a'], topic: vector(0), year: 2016 },
      { id: 'p2', authors: ['q', 'b'], topic: vector(0), year: 2020 },
      { id: 'p3', authors: ['q', 'b'], topic: vector(0), year: 2019 },
      { id: 'p4', authors: ['q', 'e', 'f', 'g'], topic: vector(0), year: 2020 },
      { id: 'p5', authors: ['a', 'c'], topic: vector(0), year: 2020 },
      { id: 'p6', authors: ['b', 'c'], topic: vector(0), year: 2018 },
      { id: 'p7', authors: ['b', 'h'], topic: vector(0), year: 2020 },
    ]);
    // a: degree 2 (q, c); b: degree 3 (q, c, h).
    const expected = {
      commonNeighbours: 2,
      adamicAdar: 1 / Math.log(2) + 1 / Math.log(3),
      resourceAllocation: 1 / 2 + 1 / 3,
      // Each path as strong as its weaker tie in 2020: q–a (2016) ½ against a–c 1, b–c (2018) 2^-½
      // against q–b 1 + 2^-¼.
      tieStrengthAdamicAdar: 0.5 / Math.log(2) + 0.5 ** (2 / 4) / Math.log(3),
      // Each path as old as its older collaboration: q–a–c 2016 (one half-life before 2020), q–b–c 2018.
      recentAdamicAdar: 0.5 / Math.log(2) + 0.5 ** (2 / 4) / Math.log(3),
    };
    for (const [a, b] of [
      ['q', 'c'],
      ['c', 'q'],
    ] as const) {
      const scores = sharedNeighbourScores(data.graph, a, b, 2020, 4);
      for (const [name, value] of Object.entries(expected)) {
        // Tie strengths are kept in fixed point (see paperTieWeight): exact to about 1e-9.
        expect(scores[name as keyof typeof expected], `${a}–${b} ${name}`).toBeCloseTo(value, 8);
      }
      expect(scores.adamicAdar).toBe(adamicAdar(data.graph, a, b));
      expect(scores.commonNeighbours).toBe(commonNeighbours(data.graph, a, b));
    }
    expect(sharedNeighbourScores(data.graph, 'q', 'h', 2020, 4)).toMatchObject({
      commonNeighbours: 1,
      recentAdamicAdar: 1 / Math.log(3),
    });
    expect(sharedNeighbourScores(data.graph, 'e', 'h', 2020, 4).adamicAdar).toBe(0);
  });

  it('puts co-authors in one group, people who share co-authors partly, strangers in none', () => {
    const data = triangleWorld();
    expect(coauthorGroupSimilarity(data.graph, 'q', 'a')).toBe(1);
    // a: {q, c}; b: {q, c}: all co-authors shared.
    expect(coauthorGroupSimilarity(data.graph, 'a', 'b')).toBe(1);
    // q: {a, b}; c: {a, b}.
    expect(coauthorGroupSimilarity(data.graph, 'q', 'c')).toBe(1);
    expect(coauthorGroupSimilarity(data.graph, 'q', 's')).toBe(0);
  });

  it('with a little diversity, a list only gives way to another group among near-ties', () => {
    const data = world([
      { id: 'p1', authors: ['a1', 'a2'], topic: vector(0) },
      { id: 'p2', authors: ['b1'], topic: vector(0) },
      { id: 'p3', authors: ['c1'], topic: vector(0) },
    ]);
    const near = [
      { id: 'a1', score: 0.9 },
      { id: 'a2', score: 0.89 },
      { id: 'b1', score: 0.88 },
    ];
    // a2 wrote with a1: b1, nearly as good, goes before them.
    expect(diversify(near, data.graph, 3, 0.1).map((r) => r.id)).toEqual(['a1', 'b1', 'a2']);
    const far = [
      { id: 'a1', score: 0.9 },
      { id: 'a2', score: 0.89 },
      { id: 'c1', score: 0.3 },
    ];
    // c1 is far below: the plain order stays.
    expect(diversify(far, data.graph, 3, 0.1).map((r) => r.id)).toEqual(['a1', 'a2', 'c1']);
    expect(diversify(near, data.graph, 3, 0).map((r) => r.id)).toEqual(['a1', 'a2', 'b1']);
  });

  it('far down the list, a little diversity still only lets near-ties from another group go first', () => {
    const data = world([
      { id: 'p1', authors: ['a1', 'a2'], topic: vector(0) },
      { id: 'p2', authors: ['b1'], topic: vector(0) },
      { id: 'p3', authors: ['t1'], topic: vector(0) },
    ]);
    const ranked = [
      { id: 't1', score: 0.9 },
      { id: 'a1', score: 0.2 },
      { id: 'a2', score: 0.19 },
      { id: 'b1', score: 0.12 },
    ];
    // b1 scores 37 % less than a2: with 0.1, a2 keeps their place although they wrote with a1.
    expect(diversify(ranked, data.graph, 4, 0.1).map((r) => r.id)).toEqual(['t1', 'a1', 'a2', 'b1']);
    // Within 10 % of a2, b1 goes first.
    const nearTie = ranked.map((r) => (r.id === 'b1' ? { ...r, score: 0.18 } : r));
    expect(diversify(nearTie, data.graph, 4, 0.1).map((r) => r.id)).toEqual(['t1', 'a1', 'b1', 'a2']);
  });

  it('when a researcher gains, changes or loses a paper, then their paper lists, newest year and venues follow', () => {
    const graph = ResearchGraph.fromPapers([
      { id: 'p1', meta: { year: 2019, venue: 'acl', authorIds: ['r'] } },
      { id: 'p2', meta: { year: 2021, venue: 'emnlp+findings', authorIds: ['r', 's'] } },
    ]);
    const view = () => ({
      byId: [...graph.papersOf('r')],
      newest: [...graph.papersNewestFirst('r')],
      latest: graph.latestYear('r'),
      venues: Object.fromEntries(graph.venuesOf('r')),
    });
    expect(view()).toEqual({
      byId: ['p1', 'p2'],
      newest: ['p2', 'p1'],
      latest: 2021,
      venues: { acl: 1, emnlp: 1, findings: 1 },
    });
    graph.addPaper('p0', { year: 2023, venue: 'acl', authorIds: ['r'] });
    graph.addPaper('p2', { year: 2018, venue: 'wmt', authorIds: ['r', 's'] });
    expect(view()).toEqual({
      byId: ['p0', 'p1', 'p2'],
      newest: ['p0', 'p1', 'p2'],
      latest: 2023,
      venues: { acl: 2, wmt: 1 },
    });
    graph.removePaper('p0');
    expect(view()).toMatchObject({ byId: ['p1', 'p2'], latest: 2019, venues: { acl: 1, wmt: 1 } });
  });

  it('when a researcher gains or loses a paper or an accepted collaboration, then their recent activity and venue profile follow', () => {
    const graph = ResearchGraph.fromPapers([
      { id: 'p1', meta: { year: 2019, venue: 'acl', authorIds: ['r', 'a'] } },
      { id: 'p2', meta: { year: 2021, venue: 'acl+findings', authorIds: ['r', 's'] } },
    ]);
    const view = (referenceYear = 2021) => ({
      ...graph.recentActivity('r', referenceYear, 2),
      venueSquares: graph.venueSquaresOf('r'),
    });
    // 2020–2021: p2 with s. acl counted twice, findings once.
    expect(view()).toEqual({ papers: 1, coauthors: 1, venueSquares: 5 });
    expect(view(2019)).toEqual({ papers: 1, coauthors: 1, venueSquares: 5 });
    expect(graph.recentActivity('r', 2021, 3)).toEqual({ papers: 2, coauthors: 2 });
    graph.addPaper('p3', { year: 2021, venue: 'wmt', authorIds: ['r', 'a', 'b'] });
    expect(view()).toEqual({ papers: 2, coauthors: 3, venueSquares: 6 });
    graph.addAcceptedEdge('r', 'c', 2021);
    expect(view()).toEqual({ papers: 2, coauthors: 4, venueSquares: 6 });
    expect(graph.recentActivity('c', 2021, 2)).toEqual({ papers: 0, coauthors: 1 });
    graph.removePaper('p2');
    expect(view()).toEqual({ papers: 1, coauthors: 3, venueSquares: 2 });
  });

  it('gives the same random-walk mass and paper lists whatever order the papers arrived in', () => {
    // Papers reach an index in the order their changes are read, which differs between processes.
    let seed = 7;
    const next = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const papers = Array.from({ length: 300 }, (_, i) => ({
      id: `p${i}`,
      meta: {
        year: 2015 + Math.floor(next() * 8),
        venue: '',
        authorIds: [
          ...new Set(Array.from({ length: 2 + Math.floor(next() * 3) }, () => `r${Math.floor(next() * 80)}`)),
        ],
      },
    }));
    const forward = ResearchGraph.fromPapers(papers);
    const backward = ResearchGraph.fromPapers([...papers].reverse());
    for (const source of ['r1', 'r2', 'r3', 'r40']) {
      expect(personalizedPageRank(backward, source)).toEqual(personalizedPageRank(forward, source));
      // What interests and profile topics are computed from, in the same order too.
      expect(backward.papersOf(source)).toEqual(forward.papersOf(source));
      expect(backward.papersNewestFirst(source)).toEqual(forward.papersNewestFirst(source));
    }
  });

  it('walks to the people a co-author writes with in small teams more than to those of their crowded papers', () => {
    const crowd = Array.from({ length: 28 }, (_, i) => `crowd-${i}`);
    const { graph } = world([
      { id: 'p1', authors: ['q', 'a'], topic: vector(0) },
      { id: 'p2', authors: ['a', 'student'], topic: vector(0) },
      { id: 'p3', authors: ['a', 'stranger', ...crowd], topic: vector(0) },
    ]);
    // Joint papers alone tie a as much to the student as to anyone of the thirty-author paper.
    expect(graph.neighbours('a').get('student')!.count).toBe(graph.neighbours('a').get('stranger')!.count);
    const ppr = personalizedPageRank(graph, 'q');
    expect(ppr.get('student')!).toBeGreaterThan(3 * (ppr.get('stranger') ?? 0));
  });

  it('walks further to closer people: the triangle closer gets more random-walk mass than anyone unreachable', () => {
    const ppr = personalizedPageRank(triangleWorld().graph, 'q');
    expect(ppr.get('c')).toBeGreaterThan(0);
    expect(ppr.has('s')).toBe(false);
    expect(ppr.get('a')!).toBeGreaterThan(ppr.get('c')!);
  });
});

describe('collaborator ranking', () => {
  it('ranks a triangle-closing candidate above a stranger on the same topic', async () => {
    const ids = (await rank(triangleWorld(), 'q')).map((r) => r.id);
    expect(ids.indexOf('c')).toBeLessThan(ids.indexOf('s'));
    expect(ids[0]).toBe('c');
  });

  it('when a co-author wrote a 600-author paper, then only the 2-hop people the walk reaches most are candidates, the one reached through two co-authors among them', () => {
    const crowd = Array.from({ length: 600 }, (_, i) => `crowd-${i}`);
    const data = world([
      { id: 'p1', authors: ['q', 'a', 'b'], topic: vector(0) },
      { id: 'p2', authors: ['a', ...crowd], topic: vector(2) },
      { id: 'p3', authors: ['a', 'b', 'c'], topic: vector(0, 0.1) },
    ]);
    const candidates = [...collectCandidates(queryOf(data, 'q'), data, options).values()];
    const fromGraph = candidates.filter((c) => c.sources.has('graph'));
    expect(fromGraph).toHaveLength(CANDIDATE_LIMITS.twoHopTop);
    expect(fromGraph.map((c) => c.id)).toContain('c');
    expect(candidates.find((c) => c.id === 'c')?.hops).toBe(2);
  });

  it('when a 500-author paper is near the query in topic, then its authors are not all candidates, and the author of the nearest paper is', () => {
    const crowd = Array.from({ length: 500 }, (_, i) => `crowd-${i}`);
    const data = world([
      { id: 'p1', authors: ['q'], topic: vector(0) },
      { id: 'p2', authors: ['s'], topic: vector(0, 0.01) },
      { id: 'p3', authors: crowd, topic: vector(0, 0.05) },
    ]);
    const candidates = [...collectCandidates(queryOf(data, 'q'), data, options).values()];
    const fromPapers = candidates.filter((c) => c.sources.has('papers'));
    expect(fromPapers).toHaveLength(CANDIDATE_LIMITS.paperAuthors);
    expect(fromPapers.map((c) => c.id)).toContain('s');
  });

  it('never suggests the researcher, co-authors (by default) or excluded people', async () => {
    const data = triangleWorld();
    const ids = (await rank(data, 'q', { excludeIds: ['s'] })).map((r) => r.id);
    expect(ids).not.toContain('q');
    expect(ids).not.toContain('a');
    expect(ids).not.toContain('b');
    expect(ids).not.toContain('s');
    expect((await rank(data, 'q', { excludeCoauthors: false })).map((r) => r.id)).toEqual(
      expect.arrayContaining(['a', 'b']),
    );
  });

  it('drops people of excluded institutions, closed people when asked, and inactive people', async () => {
    const data = triangleWorld();
    const profiles = (id: string): CandidateProfile => ({
      openToCollaborate: id === 's',
      claimed: true,
      affiliations: id === 'c' ? ['Rival University'] : [],
    });
    expect(
      (await rank(data, 'q', { excludeInstitutions: ['rival university'] }, profiles)).map((r) => r.id),
    ).not.toContain('c');
    expect((await rank(data, 'q', { openToCollaborateOnly: true }, profiles)).map((r) => r.id)).toEqual([
      's',
    ]);
    expect(await rank(data, 'q', { activeSince: 2021 })).toEqual([]);
  });

  /**
   * q wrote with a hub who wrote one paper each with `count` people, nearer and nearer to q in topic:
   * all of them equally close in the graph; `open` is the farthest in topic.
   */
  const crowdOnOneTopic = (count: number) =>
    world([
      { id: 'q1', authors: ['q', 'hub'], topic: vector(0) },
      ...Array.from({ length: count }, (_, i) => ({
        id: `c${i}`,
        authors: ['hub', i === 0 ? 'open' : `person-${i}`],
        topic: vector(0, 0.002 * (count - i), 1),
      })),
    ]);

  it('when there are more candidates than the shortlist, then only the shortlisted ones get papers compared and profiles read, and the list is the one ranking everyone gives', async () => {
    const count = SHORTLIST_SIZE + 50;
    const data = crowdOnOneTopic(count);
    expect(collectCandidates(queryOf(data, 'q'), data, options).size).toBe(count);
    const fetched: Fetched = { profiles: [], comparedPapers: [] };
    const ranked = await rank(data, 'q', { limit: 10 }, noProfiles, fetched);
    expect(fetched.profiles).toHaveLength(1);
    expect(fetched.profiles[0]).toHaveLength(SHORTLIST_SIZE);
    expect(new Set(fetched.comparedPapers).size).toBe(SHORTLIST_SIZE);
    // Asking for everyone shortlists everyone: the shortlist above was the best of that ranking.
    const everyone: Fetched = { profiles: [], comparedPapers: [] };
    const all = await rank(data, 'q', { limit: count }, noProfiles, everyone);
    expect(everyone.profiles[0]).toHaveLength(count);
    expect(new Set(fetched.profiles[0])).toEqual(new Set(all.slice(0, SHORTLIST_SIZE).map((r) => r.id)));
    expect(ranked.map((r) => r.id)).toEqual(all.slice(0, 10).map((r) => r.id));
    // Novelty re-orders the whole candidate set: nobody is left out of it.
    const novel: Fetched = { profiles: [], comparedPapers: [] };
    await rank(data, 'q', { novelty: 0.5 }, noProfiles, novel);
    expect(novel.profiles[0]).toHaveLength(count);
  });

  it('when a filter needs profiles, then it is applied to every candidate before the shortlist', async () => {
    // The one person open to collaborate is the farthest in topic, below the shortlist of everyone.
    const data = crowdOnOneTopic(SHORTLIST_SIZE + 50);
    const profiles = (id: string): CandidateProfile => ({
      openToCollaborate: id === 'open',
      claimed: true,
      affiliations: [],
    });
    const ranked = await rank(data, 'q', { openToCollaborateOnly: true }, profiles);
    expect(ranked.map((r) => r.id)).toEqual(['open']);
  });

  it('gives the closest pair of papers and a shared institution to the ranked candidates', async () => {
    const data = triangleWorld();
    const profiles = (id: string): CandidateProfile => ({
      openToCollaborate: false,
      claimed: true,
      affiliations: id === 'c' ? ['query university'] : ['Elsewhere'],
    });
    const ranked = new Map((await rank(data, 'q', {}, profiles)).map((r) => [r.id, r]));
    expect(ranked.get('c')!.features.sameInstitution).toBe(1);
    expect(ranked.get('s')!.features.sameInstitution).toBe(0);
    // c's papers p3 and p4 against q's p1 and p2: p4 (0, 0.2) is closest to p2 (0, 0.1).
    expect(ranked.get('c')!.closestPair).toMatchObject({ mine: 'p2' });
    expect(ranked.get('c')!.features.closestPaperSimilarity).toBeCloseTo(
      ranked.get('c')!.closestPair!.similarity,
      6,
    );
    expect(ranked.get('c')!.features.closestPaperSimilarity).toBeGreaterThan(0.99);
  });

  it('counts a candidate’s co-authors, and apart those of the last two years', async () => {
    // c1 wrote with three people in 2020; c2 with two people in 2015; both with q's co-author a in 2020.
    const data = world([
      { id: 'p1', authors: ['q', 'a'], topic: vector(0), year: 2020 },
      { id: 'p2', authors: ['a', 'c1'], topic: vector(0), year: 2020 },
      { id: 'p3', authors: ['a', 'c2'], topic: vector(0), year: 2020 },
      { id: 'p4', authors: ['c1', 'x1', 'x2', 'x3'], topic: vector(0), year: 2020 },
      { id: 'p5', authors: ['c2', 'y1', 'y2'], topic: vector(0), year: 2015 },
    ]);
    const features = new Map((await rank(data, 'q')).map((r) => [r.id, r.features]));
    expect(features.get('c1')).toMatchObject({ coauthors: Math.log1p(4), recentCoauthors: Math.log1p(4) });
    expect(features.get('c2')).toMatchObject({ coauthors: Math.log1p(3), recentCoauthors: Math.log1p(1) });
  });

  it('brings a topic twin with no graph path to the top when novelty is high', async () => {
    const data = world([
      { id: 'p1', authors: ['q', 'a'], topic: vector(0) },
      { id: 'p2', authors: ['a', 'c'], topic: vector(1) },
      { id: 'p3', authors: ['twin'], topic: vector(0) },
      { id: 'p4', authors: ['far'], topic: vector(2) },
    ]);
    expect((await rank(data, 'q', { novelty: 0 }))[0]!.id).toBe('c');
    expect((await rank(data, 'q', { novelty: 1 }))[0]!.id).toBe('twin');
  });

  it('with diversity, spreads suggestions across two labs instead of filling the list from one', async () => {
    // A lab is a group of people who write together: each paper by two neighbours in the lab.
    const lab = (name: string, topic: number, size: number) =>
      Array.from({ length: size }, (_, i) => ({
        id: `${name}${i}`,
        authors: [`${name}-${i}`, `${name}-${(i + 1) % size}`],
        topic: vector(topic, 0.05 * i),
      }));
    const data = world([
      { id: 'q1', authors: ['q'], topic: vector(0, 0.6, 1) },
      { id: 'q2', authors: ['q'], topic: vector(0, 0.4, 1) },
      ...lab('a', 0, 5),
      ...lab('b', 1, 5),
    ]);
    const labOf = (id: string) => id.split('-')[0];
    const plain = (await rank(data, 'q', { limit: 4 })).map((r) => labOf(r.id));
    expect(new Set(plain).size).toBe(1);
    const diverse = (await rank(data, 'q', { limit: 4, diversity: 0.7 })).map((r) => labOf(r.id));
    expect(new Set(diverse)).toEqual(new Set(['a', 'b']));
  });
});

describe('ranking helpers', () => {
  it('learns a positive weight for an informative feature and none to speak of for noise', async () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 400; i++) {
      const signal = (i % 20) / 20;
      const noise = ((i * 7919) % 13) / 13;
      rows.push([signal, noise]);
      labels.push(signal > 0.6 ? 1 : 0);
    }
    const model = await fitLogisticRegression(rows, labels);
    expect(model.weights[0]).toBeGreaterThan(2);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(0.5);
  });

  it('scores candidates for the shortlist exactly as with their parts, with a model and in the classic order', () => {
    const features = [...ALL_FEATURES];
    const d = features.length * 2;
    const model = {
      featureSet: 'graph',
      features,
      knots: features.map((_, j) => [0.2 + (j % 5) / 10]),
      model: {
        mean: Array.from({ length: d }, (_, j) => (j % 3) / 4),
        std: Array.from({ length: d }, (_, j) => 0.1 + (j % 4) / 10),
        bias: -2,
        weights: Array.from({ length: d }, (_, j) => Math.sin(j + 1)),
      },
    } as unknown as RankerModel;
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: `c${i}`,
      // Few distinct values, so the classic order has ties to break by id.
      features: Object.fromEntries(features.map((name, j) => [name, ((i * (j + 3)) % 7) / 7])) as Features,
    }));
    for (const [m, featureSet] of [
      [model, 'graph'],
      [null, 'graph'],
      [null, 'topic'],
    ] as const) {
      const withParts = scoreCandidates(rows, m, featureSet).map((ranked) => ranked.score);
      expect(new Set(withParts).size).toBeGreaterThan(5);
      expect(candidateScores(rows, m, featureSet)).toEqual(withParts);
    }
  });

  it('maps values to percentiles with ties sharing a position', () => {
    expect(percentiles([10, 30, 20, 30])).toEqual([0, 2 / 3, 1 / 3, 2 / 3]);
  });

  it('when diversity is 0, then items come in relevance order whatever order they were given in', () => {
    expect(
      maximalMarginalRelevance(
        [1, 3, 2],
        (x) => x,
        () => 1,
        3,
        0,
      ),
    ).toEqual([3, 2, 1]);
  });

  it('when diversity is high, then a near-copy of the first pick gives way to a different item', () => {
    // a1 and a2 are near-copies (same group), b is less relevant but different.
    const relevance = { a1: 1, a2: 0.95, b: 0.6 } as Record<string, number>;
    const group = (id: string) => id[0];
    const picks = maximalMarginalRelevance(
      ['b', 'a2', 'a1'],
      (id) => relevance[id]!,
      (x, y) => (group(x) === group(y) ? 1 : 0),
      2,
      0.7,
    );
    expect(picks).toEqual(['a1', 'b']);
    // With little diversity, relevance wins and both near-copies stay.
    expect(
      maximalMarginalRelevance(
        ['b', 'a2', 'a1'],
        (id) => relevance[id]!,
        (x, y) => (group(x) === group(y) ? 1 : 0),
        2,
        0.02,
      ),
    ).toEqual(['a1', 'a2']);
  });
});
