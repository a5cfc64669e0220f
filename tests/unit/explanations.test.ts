import { describe, expect, it } from 'vitest';
import type { PaperWithTerms } from '../../src/domain/paper.ts';
import type { PaperMeta } from '../../src/domain/paper-filters.ts';
import { collaboratorOptions, rankCollaborators } from '../../src/recommend/collaborator-ranking.ts';
import { explainSuggestions, planExplanations, sharedTerms } from '../../src/recommend/explanations.ts';
import { paperPhrases } from '../../src/recommend/key-phrases.ts';
import { HistoricalRankingData } from '../../src/recommend/ranking-data.ts';
import { PaperMatcher } from '../../src/vector/paper-matcher.ts';
import { VectorIndex } from '../../src/vector/vector-index.ts';

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values.map((v) => v / norm));
}

/** q wrote with a and b; a and b both wrote with c (two mutual co-authors); c writes about parsing too. */
const texts: Record<string, { title: string; abstract: string; keywords?: string[] }> = {
  p1: {
    title: 'Dependency parsing with graphs',
    abstract: 'We study dependency parsing for low-resource languages.',
    keywords: ['dependency parsing'],
  },
  p2: {
    title: 'Parsing morphology',
    abstract: 'Dependency parsing meets rich morphology in low-resource languages.',
  },
  p3: {
    title: 'Graph parsers',
    abstract: 'A graph-based dependency parsing model for low-resource languages.',
    keywords: ['Dependency Parsing'],
  },
  p4: { title: 'Treebanks', abstract: 'New treebanks help dependency parsing of low-resource languages.' },
};
const authors: Record<string, string[]> = { p1: ['q', 'a'], p2: ['q', 'b'], p3: ['a', 'c'], p4: ['b', 'c'] };

function world() {
  const index = new VectorIndex<PaperMeta>(3, { m: 8, efConstruction: 50, efSearch: 50 });
  const topics: Record<string, number[]> = {
    p1: [1, 0.1, 0],
    p2: [1, 0.2, 0],
    p3: [1, 0.15, 0.05],
    p4: [1, 0.3, 0],
  };
  for (const id of Object.keys(authors)) {
    index.upsert(id, unit(topics[id]!), { year: 2020, venue: 'acl', authorIds: authors[id]! });
  }
  const papers = new Map<string, PaperWithTerms>(
    Object.entries(texts).map(([id, text]) => [
      id,
      {
        id,
        ...text,
        // What ingest stores for each paper.
        terms: paperPhrases(text),
        year: 2020,
        venue: 'acl',
        authors: authors[id]!.map((a) => ({ id: a, name: a.toUpperCase() })),
      },
    ]),
  );
  return { data: new HistoricalRankingData(index, () => true, 2020), papers };
}

describe('the evidence for a suggestion, from pre-fetched data', () => {
  it('when two people share co-authors and a topic, then the evidence names them, the shared keyword, the closest pair and the distance', async () => {
    const { data, papers } = world();
    const query = {
      researcher: 'q',
      interests: data.interestsOf('q')!,
      paperIds: data.graph.papersNewestFirst('q'),
    };
    const options = collaboratorOptions({ limit: 5 });
    const matcher = new PaperMatcher();
    const ranked = await rankCollaborators(query, data, options, {
      models: null,
      profilesOf: async () => new Map(),
      closestPapers: (mine, theirs) => matcher.closest(mine, theirs),
      queryAffiliations: [],
      referenceYear: 2020,
    });
    expect(ranked.map((r) => r.id)).toEqual(['c']);
    const plan = planExplanations(query, ranked, data.graph);
    expect(plan.mutualByCandidate).toEqual([['a', 'b']]);
    expect(plan.paperIds).toEqual(expect.arrayContaining(['p1', 'p2', 'p3', 'p4']));
    expect(sharedTerms(query, plan, papers)).toEqual(
      expect.arrayContaining(['dependency parsing', 'low-resource languages']),
    );

    const [suggestion] = explainSuggestions({
      query,
      ranked,
      plan,
      records: new Map([
        ['c', { id: 'c', name: 'C', affiliations: [], claimed: true, openToCollaborate: false }],
      ]),
      papers,
      names: new Map([
        ['a', 'A'],
        ['b', 'B'],
      ]),
      documentFrequency: () => 1,
      totalPapers: 100,
    });
    expect(suggestion!.evidence.mutualCoauthors).toEqual([
      { id: 'a', name: 'A' },
      { id: 'b', name: 'B' },
    ]);
    // Author keywords both sides use come first, as the candidate wrote them.
    expect(suggestion!.evidence.sharedTopics[0]).toBe('Dependency Parsing');
    // Then noun phrases both sides use; never a single word.
    expect(suggestion!.evidence.sharedTopics).toContain('low-resource languages');
    for (const topic of suggestion!.evidence.sharedTopics) expect(topic).toContain(' ');
    expect(suggestion!.evidence.closestPapers?.theirs.id).toMatch(/^p[34]$/);
    expect(suggestion!.evidence.closestPapers?.mine?.id).toMatch(/^p[12]$/);
    expect(suggestion!.evidence.graphDistance).toBe(2);
    expect(suggestion!).toMatchObject({
      canInvite: false,
      inviteHint: 'this researcher is not open to collaboration invitations',
    });
  });

  it('names first the shared co-authors who tie the pair closest: recent joint papers in small teams', () => {
    const crowd = Array.from({ length: 10 }, (_, i) => `crowd-${i}`);
    const students = Array.from({ length: 14 }, (_, i) => `student-${i}`);
    const papers: [string, string[], number][] = [
      ['p1', ['q', 'lab-head'], 2020],
      ['p2', ['q', 'lab-head'], 2019],
      ['p3', ['lab-head', 'c'], 2020],
      ['p4', ['lab-head', 'c'], 2020],
      ...students.map((student, i): [string, string[], number] => [`s${i}`, ['lab-head', student], 2020]),
      ['p5', ['q', 'old-friend'], 2012],
      ['p6', ['old-friend', 'c'], 2020],
      ['p7', ['q', 'consortium', ...crowd], 2020],
      ['p8', ['consortium', 'c', ...crowd], 2020],
    ];
    const index = new VectorIndex<PaperMeta>(3, { m: 8, efConstruction: 50, efSearch: 50 });
    for (const [id, authorIds, year] of papers)
      index.upsert(id, unit([1, 0, 0]), { year, venue: 'acl', authorIds });
    const data = new HistoricalRankingData(index, () => true, 2020);
    const query = {
      researcher: 'q',
      interests: data.interestsOf('q')!,
      paperIds: data.graph.papersNewestFirst('q'),
    };
    const ranked = [{ id: 'c', closestPair: null }] as unknown as Parameters<typeof planExplanations>[1];
    // By fewest co-authors the lab head, who has many students, would come last.
    expect(data.graph.degree('lab-head')).toBeGreaterThan(data.graph.degree('consortium'));
    expect(planExplanations(query, ranked, data.graph).mutualByCandidate).toEqual([
      ['lab-head', 'old-friend', 'consortium'],
    ]);
  });
});
