import { describe, expect, it } from 'vitest';
import { referenceKey, referenceKeys, selfReferences } from '../../src/domain/references.ts';
import { CitationGraph } from '../../src/graph/citation-graph.ts';
import { ResearchGraph } from '../../src/graph/research-graph.ts';
import {
  citationCountsOf,
  citationLinksByPerson,
  citationSentences,
  MAX_CITERS_OF_SHARED_REFERENCE,
} from '../../src/recommend/citation-links.ts';
import { blendCitationLinks, citationLinkCounts } from '../../src/recommend/related-papers.ts';

describe('reference keys', () => {
  it('match a DOI however it is written, and a title whatever its case and punctuation', () => {
    expect(referenceKey({ doi: 'https://doi.org/10.1000/AB.C' })).toBe(referenceKey({ doi: '10.1000/ab.c' }));
    expect(referenceKey({ doi: 'doi:10.1000/ab.c' })).toBe('d:10.1000/ab.c');
    expect(referenceKey({ title: 'BERT: Pre-training of Deep  Transformers!', year: 2019 })).toBe(
      referenceKey({ title: 'bert pre training of deep transformers', year: 2019 }),
    );
    expect(referenceKey({ title: 'BERT', year: 2019 })).not.toBe(referenceKey({ title: 'BERT', year: 2018 }));
    expect(referenceKey('P1')).toBe('i:P1');
    // A DOI decides the match; its display title does not add a second key.
    expect(referenceKey({ doi: '10.1/x', title: 'T', year: 2020 })).toBe('d:10.1/x');
  });

  it('are listed once however often a reference is repeated', () => {
    expect(referenceKeys(['a', { doi: '10.1/X' }, 'a', { doi: 'https://doi.org/10.1/x' }])).toEqual([
      'i:a',
      'd:10.1/x',
    ]);
  });

  it('tell a paper citing itself by id, DOI or title and year', () => {
    const paper = { id: 'me', title: 'My Paper', year: 2020, doi: '10.1/me' };
    expect(
      selfReferences({
        ...paper,
        references: [
          'other',
          'me',
          { doi: '10.1/ME' },
          { title: 'my paper.', year: 2020 },
          { title: 'my paper', year: 2021 },
        ],
      }),
    ).toEqual([1, 2, 3]);
  });
});

describe('the citation graph', () => {
  it('replaces both directions of a paper and forgets a removed one', () => {
    const graph = CitationGraph.fromEdges([
      ['a', 'b'],
      ['c', 'a'],
    ]);
    graph.setLinks('a', { cites: ['d'], citedBy: ['c', 'e'] });
    expect(graph.edges().sort()).toEqual([
      ['a', 'd'],
      ['c', 'a'],
      ['e', 'a'],
    ]);
    expect([...graph.citedBy('b')]).toEqual([]);
    graph.remove('a');
    expect(graph.edgeCount).toBe(0);
    expect([...graph.cites('c')]).toEqual([]);
  });

  it('keeps only citations among kept papers in an earlier view', () => {
    const graph = CitationGraph.fromEdges([
      ['new', 'old'],
      ['old', 'older'],
    ]);
    expect(graph.restrictedTo((id) => id !== 'new').edges()).toEqual([['old', 'older']]);
  });
});

/** Papers q1, q2 by the query "me"; others by single authors named after their papers. */
function papersGraph(ids: string[]): ResearchGraph {
  return ResearchGraph.fromPapers(
    ids.map((id) => ({
      id,
      meta: { year: 2020, venue: '', authorIds: id.startsWith('q') ? ['me'] : [`author-of-${id}`] },
    })),
  );
}

describe('citation links of a query', () => {
  const citations = CitationGraph.fromEdges([
    ['x', 'q1'], // x cites the query twice
    ['x', 'q2'],
    ['x', 'cocited'],
    ['y', 'q1'],
    ['y', 'cocited'],
    ['q1', 'ref'],
    ['q2', 'ref'],
    ['coupled', 'ref'],
    ['q2', 'q1'],
  ]);
  const graph = papersGraph(['q1', 'q2', 'x', 'y', 'cocited', 'ref', 'coupled']);

  it('counts per person: who cites the query, whom it cites, and shared references', () => {
    const links = citationLinksByPerson(['q2', 'q1'], citations, graph);
    expect(citationCountsOf(links, 'author-of-x')).toEqual({ citesYou: 2, youCite: 0, sharedReferences: 0 });
    expect(citationCountsOf(links, 'author-of-ref')).toEqual({
      citesYou: 0,
      youCite: 1,
      sharedReferences: 0,
    });
    expect(citationCountsOf(links, 'author-of-coupled')).toEqual({
      citesYou: 0,
      youCite: 0,
      sharedReferences: 1,
    });
    // Citing one's own papers is neither "cites you" nor a shared reference.
    expect(citationCountsOf(links, 'me')).toEqual({ citesYou: 0, youCite: 0, sharedReferences: 0 });
    expect(citationSentences({ citesYou: 2, youCite: 1, sharedReferences: 12 })).toEqual([
      'cites 2 of your papers',
      'you cite one of their papers',
      'you share 12 references',
    ]);
  });

  it('ranks the co-cited paper first among related papers when the text scores tie', () => {
    const links = citationLinkCounts(['q1', 'q2'], citations);
    expect(links.get('cocited')).toBe(3); // co-cited by x (with q1 and with q2) and by y
    expect(links.has('q1') || links.has('ref')).toBe(false); // own and already cited papers never
    const text = new Map([
      ['cocited', 0.5],
      ['plain', 0.5],
      ['coupled', 0.5],
    ]);
    const blended = [...blendCitationLinks(text, links)].sort((a, b) => b[1] - a[1]);
    expect(blended.map(([id]) => id)).toEqual(['cocited', 'coupled', 'plain']);
    expect(blendCitationLinks(text, new Map())).toEqual(text);
  });

  it('leaves out references that too many papers cite', () => {
    const edges: [string, string][] = [['q1', 'landmark']];
    for (let i = 0; i <= MAX_CITERS_OF_SHARED_REFERENCE; i++) edges.push([`p${i}`, 'landmark']);
    const popular = CitationGraph.fromEdges(edges);
    expect(citationLinkCounts(['q1'], popular).size).toBe(0);
    const links = citationLinksByPerson(['q1'], popular, papersGraph(['q1', 'landmark', 'p0']));
    expect(links.sharedReferences.size).toBe(0);
  });
});
