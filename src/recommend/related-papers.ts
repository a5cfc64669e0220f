import type { CitationGraph } from '../graph/citation-graph.ts';
import type { Interests } from '../vector/interests.ts';
import { MAX_CITERS_OF_SHARED_REFERENCE } from './citation-links.ts';

/** Newest papers whose vectors, besides the interest centroids, query related papers. */
const RECENT_PAPER_QUERIES = 5;
/**
 * Scores papers for a researcher: each candidate's best cosine to any of the query vectors (interest
 * centroids and newest papers), so every interest of a broad researcher finds its own papers.
 */
export function relatedPaperScores(
  queryVectors: Float32Array[],
  search: (vector: Float32Array) => { id: string; score: number }[],
): Map<string, number> {
  const best = new Map<string, number>();
  for (const vector of queryVectors) {
    for (const hit of search(vector))
      best.set(hit.id, Math.max(best.get(hit.id) ?? Number.NEGATIVE_INFINITY, hit.score));
  }
  return best;
}

export function relatedQueryVectors(
  interests: Interests,
  newestPaperVectors: Float32Array[],
): Float32Array[] {
  return [...interests.centroids.map((c) => c.vector), ...newestPaperVectors.slice(0, RECENT_PAPER_QUERIES)];
}

/** The most a paper's citation links add to its cosine score (reached only in the limit). */
export const CITATION_BONUS = 0.2;
/** Links at which a paper gets half the bonus: one shared link counts, each more counts less. */
const HALF_BONUS_LINKS = 2;

/**
 * How strongly each paper is tied to the researcher's papers by citations, one link each: it cites
 * one of theirs; it shares a reference with them (bibliographic coupling; references with more than
 * MAX_CITERS_OF_SHARED_REFERENCE citers are left out, everyone cites those); a paper cites it together
 * with one of theirs (co-citation). Never their own papers, nor the papers they already cite: those
 * they know.
 */
export function citationLinkCounts(queryPapers: string[], citations: CitationGraph): Map<string, number> {
  const mine = new Set(queryPapers);
  const references = new Set(queryPapers.flatMap((paper) => [...citations.cites(paper)]));
  const counts = new Map<string, number>();
  const count = (paper: string) => {
    if (!mine.has(paper) && !references.has(paper)) counts.set(paper, (counts.get(paper) ?? 0) + 1);
  };
  for (const reference of references) {
    const citers = citations.citedBy(reference);
    if (!mine.has(reference) && citers.size <= MAX_CITERS_OF_SHARED_REFERENCE)
      for (const citing of citers) count(citing);
  }
  for (const paper of queryPapers) {
    for (const citing of citations.citedBy(paper)) {
      if (mine.has(citing)) continue;
      count(citing);
      for (const coCited of citations.cites(citing)) count(coCited);
    }
  }
  return counts;
}

/**
 * The documented blend of text and citations: cosine + CITATION_BONUS · links / (links + 2). Papers
 * without citation links keep their cosine, so data without references ranks exactly as by text.
 */
export function blendCitationLinks(
  textScores: Map<string, number>,
  links: Map<string, number>,
): Map<string, number> {
  const blended = new Map<string, number>();
  for (const [paper, cosine] of textScores) {
    const n = links.get(paper) ?? 0;
    blended.set(paper, cosine + (CITATION_BONUS * n) / (n + HALF_BONUS_LINKS));
  }
  return blended;
}
