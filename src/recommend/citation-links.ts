import { addToSetOf, type CitationGraph } from '../graph/citation-graph.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';

/**
 * A reference cited by more stored papers than this says little about two people who both cite it
 * (everyone cites the field's landmarks), and following all its citers would make one query's work
 * grow with the store: shared references count only references with at most this many citers.
 */
export const MAX_CITERS_OF_SHARED_REFERENCE = 500;

/** How the query's papers and other people's papers cite each other, per person. */
export type CitationLinksByPerson = {
  /** Person → the query's papers that their papers cite. */
  citeQuery: Map<string, Set<string>>;
  /** Person → their papers that the query's papers cite. */
  citedByQuery: Map<string, Set<string>>;
  /** Person → references their papers share with the query's papers. */
  sharedReferences: Map<string, Set<string>>;
};

export type CitationCounts = { citesYou: number; youCite: number; sharedReferences: number };

/**
 * Worked out once per query from the query's side (its papers' citations and references), so each
 * candidate's counts are map lookups: the work is bounded by the query's own citations, never by the
 * candidates' bibliographies.
 */
export function citationLinksByPerson(
  queryPapers: readonly string[],
  citations: CitationGraph,
  graph: ResearchGraph,
): CitationLinksByPerson {
  const links: CitationLinksByPerson = {
    citeQuery: new Map(),
    citedByQuery: new Map(),
    sharedReferences: new Map(),
  };
  const mine = new Set(queryPapers);
  const authorsOf = (paper: string) => graph.paper(paper)?.authorIds ?? [];
  const references = new Set<string>();
  for (const paper of queryPapers) {
    for (const citing of citations.citedBy(paper)) {
      if (mine.has(citing)) continue;
      for (const author of authorsOf(citing)) addToSetOf(links.citeQuery, author, paper);
    }
    for (const cited of citations.cites(paper)) {
      references.add(cited);
      if (mine.has(cited)) continue;
      for (const author of authorsOf(cited)) addToSetOf(links.citedByQuery, author, cited);
    }
  }
  for (const reference of references) {
    const citers = citations.citedBy(reference);
    if (mine.has(reference) || citers.size > MAX_CITERS_OF_SHARED_REFERENCE) continue;
    for (const citing of citers) {
      if (mine.has(citing)) continue;
      for (const author of authorsOf(citing)) addToSetOf(links.sharedReferences, author, reference);
    }
  }
  return links;
}

export function citationCountsOf(links: CitationLinksByPerson, person: string): CitationCounts {
  return {
    citesYou: links.citeQuery.get(person)?.size ?? 0,
    youCite: links.citedByQuery.get(person)?.size ?? 0,
    sharedReferences: links.sharedReferences.get(person)?.size ?? 0,
  };
}

/** The people most linked to the query by citations either way, most linked first. */
export function citationNeighbours(
  links: CitationLinksByPerson,
  limit: number,
  skip: (person: string) => boolean,
): string[] {
  const strength = new Map<string, number>();
  for (const side of [links.citeQuery, links.citedByQuery]) {
    for (const [person, papers] of side)
      if (!skip(person)) strength.set(person, (strength.get(person) ?? 0) + papers.size);
  }
  return [...strength]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([person]) => person);
}

/** The evidence in words: "cites 3 of your papers", "you cite one of their papers", "you share 12 references". */
export function citationSentences(counts: CitationCounts): string[] {
  const howMany = (n: number) => (n === 1 ? 'one' : String(n));
  const sentences: string[] = [];
  if (counts.citesYou > 0) sentences.push(`cites ${howMany(counts.citesYou)} of your papers`);
  if (counts.youCite > 0) sentences.push(`you cite ${howMany(counts.youCite)} of their papers`);
  if (counts.sharedReferences > 0) {
    const n = counts.sharedReferences;
    sentences.push(`you share ${n} ${n === 1 ? 'reference' : 'references'}`);
  }
  return sentences;
}
