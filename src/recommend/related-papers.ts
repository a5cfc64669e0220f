import { venueParts } from '../domain/paper-filters.ts';
import type { CitationGraph } from '../graph/citation-graph.ts';
import { type Interests, recencyWeight } from '../vector/interests.ts';
import { MAX_CITERS_OF_SHARED_REFERENCE } from './citation-links.ts';

/** Newest papers whose vectors, besides the interest centroids, query related papers. */
const RECENT_PAPER_QUERIES = 20;
/**
 * How sharply the score follows the closest query vector: the score is a soft maximum of a paper's
 * cosines to the query vectors, and a paper close to several of them (several of the researcher's
 * papers, an interest and its papers) ranks above one as close to a single one. Measured on the ACL
 * split at 0.04, 0.05 and 0.06 within 0.5% of each other (docs/EVALUATION.md).
 */
const SOFTNESS = 0.05;
/** Hits each query vector contributes, at least: a paper must be near several vectors to add up. */
export const RELATED_HITS_PER_QUERY = 50;

/** A vector that asks for related papers, weighted by how much of the researcher's work it stands for. */
export type RelatedQuery = { vector: Float32Array; weight: number };

/**
 * The query vectors of a researcher: their interest centroids (weighted by their share of the work)
 * and their newest papers (weighted by recency as the interests are, counted from their newest paper:
 * a paper of that year weighs as much as a whole interest, and the blend does not drift with the date).
 */
export function relatedQueryVectors(
  interests: Interests,
  newestPapers: { vector: Float32Array; year: number }[],
): RelatedQuery[] {
  const referenceYear = Math.max(...newestPapers.map((p) => p.year));
  return [
    ...interests.centroids.map((c) => ({ vector: c.vector, weight: c.weight })),
    ...newestPapers
      .slice(0, RECENT_PAPER_QUERIES)
      .map((p) => ({ vector: p.vector, weight: recencyWeight(p.year, referenceYear) })),
  ];
}

/**
 * A soft maximum of cosines, in cosine units: SOFTNESS · log(Σ wᵢ·exp(cosᵢ / SOFTNESS) / Σ w over every
 * query). Never above the largest cosine; a vector that did not find the paper adds nothing.
 */
function softMaximum(terms: Iterable<{ cosine: number; weight: number }>, totalWeight: number): number {
  let sum = 0;
  for (const { cosine, weight } of terms) sum += weight * Math.exp(cosine / SOFTNESS);
  return SOFTNESS * Math.log(sum / totalWeight);
}

/**
 * Scores papers for a researcher: the soft maximum of each candidate's cosines to the query vectors,
 * over the hits of each vector's search, so every interest of a broad researcher finds its own papers
 * and papers near much of their work come first.
 */
export function relatedPaperScores(
  queries: RelatedQuery[],
  search: (vector: Float32Array) => { id: string; score: number }[],
): Map<string, number> {
  const hits = new Map<string, { cosine: number; weight: number }[]>();
  for (const { vector, weight } of queries) {
    for (const hit of search(vector)) {
      const list = hits.get(hit.id) ?? [];
      list.push({ cosine: hit.score, weight });
      hits.set(hit.id, list);
    }
  }
  const totalWeight = queries.reduce((sum, q) => sum + q.weight, 0);
  return new Map([...hits].map(([id, terms]) => [id, softMaximum(terms, totalWeight)]));
}

/** The same score for one paper, from its exact cosines to every query vector. */
export function relatedPaperScore(queries: RelatedQuery[], cosine: (vector: Float32Array) => number): number {
  const totalWeight = queries.reduce((sum, q) => sum + q.weight, 0);
  return softMaximum(
    queries.map((q) => ({ cosine: cosine(q.vector), weight: q.weight })),
    totalWeight,
  );
}

/**
 * The most a paper's venue adds to its score, for a venue that holds all of the researcher's
 * (recency-weighted) work: people keep publishing in their communities, so among papers of alike
 * text the ones at their venues come first. On the ACL split 0.04–0.1 were within 0.3% of each other
 * and 1.8% above none (docs/EVALUATION.md).
 */
export const VENUE_BONUS = 0.05;

/** The share of a researcher's papers at each venue, weighted by recency as their interests are. */
export function venueShares(papers: { venue: string; year: number }[]): Map<string, number> {
  const referenceYear = Math.max(...papers.map((p) => p.year));
  const shares = new Map<string, number>();
  let total = 0;
  for (const { venue, year } of papers) {
    const weight = recencyWeight(year, referenceYear);
    total += weight;
    for (const part of venueParts(venue)) shares.set(part, (shares.get(part) ?? 0) + weight);
  }
  for (const [venue, weight] of shares) shares.set(venue, weight / total);
  return shares;
}

/** score + VENUE_BONUS · the researcher's share of the paper's venue (the largest of a joint venue's parts). */
export function blendVenueAffinity(
  scores: Map<string, number>,
  venueOf: (paper: string) => string | undefined,
  shares: Map<string, number>,
): Map<string, number> {
  const blended = new Map<string, number>();
  for (const [paper, score] of scores) {
    const share = Math.max(0, ...venueParts(venueOf(paper) ?? '').map((part) => shares.get(part) ?? 0));
    blended.set(paper, score + VENUE_BONUS * share);
  }
  return blended;
}

/**
 * How much a paper's key phrases shared with the researcher's add to its score: TERM_WEIGHT × the
 * cosine of the two phrase vectors (termSimilarity, at most 1). The text embedding finds papers on
 * the same subject; the phrases rank among them the ones that name the researcher's own methods,
 * data and tasks ("PASTEL corpus", "dialogue state tracking"), as dense and sparse scores are blended
 * in hybrid retrieval. On the ACL split weights from 1.5 to 5 were within 1.5% of each other and 12%
 * above none (Recall@20, docs/EVALUATION.md).
 */
export const TERM_WEIGHT = 2;

/** A researcher's key phrases, weighted, with what termSimilarity needs to compare papers with them. */
export type TermProfile = {
  weights: Map<string, number>;
  norm: number;
  /** Inverse document frequency of a term; a term the store has not counted counts as in one paper. */
  idf: (term: string) => number;
};

/**
 * A researcher's phrases, each weighted by the share of their papers that have it (recency-weighted as
 * their interests are) × log(1 + N / document frequency): their recurring and distinctive phrases
 * weigh most, the phrases every paper has next to nothing.
 */
export function termProfile(
  papers: { terms: readonly string[]; year: number }[],
  documentFrequency: (term: string) => number,
  totalPapers: number,
): TermProfile {
  const idf = (term: string) => Math.log(1 + totalPapers / Math.max(1, documentFrequency(term)));
  const weights = new Map<string, number>();
  if (papers.length === 0) return { weights, norm: 0, idf };
  const referenceYear = Math.max(...papers.map((p) => p.year));
  let total = 0;
  for (const { terms, year } of papers) {
    const weight = recencyWeight(year, referenceYear);
    total += weight;
    for (const term of new Set(terms)) weights.set(term, (weights.get(term) ?? 0) + weight);
  }
  let squares = 0;
  for (const [term, weight] of weights) {
    const value = (weight / total) * idf(term);
    weights.set(term, value);
    squares += value * value;
  }
  return { weights, norm: Math.sqrt(squares), idf };
}

/** Cosine of the profile and a paper's phrases (each present phrase weighted by its idf). */
export function termSimilarity(profile: TermProfile, terms: readonly string[]): number {
  let dot = 0;
  let squares = 0;
  for (const term of new Set(terms)) {
    const weight = profile.idf(term);
    squares += weight * weight;
    dot += (profile.weights.get(term) ?? 0) * weight;
  }
  return profile.norm > 0 && squares > 0 ? dot / (profile.norm * Math.sqrt(squares)) : 0;
}

/** score + TERM_WEIGHT · termSimilarity of each paper's phrases (no phrases known: nothing added). */
export function blendTermOverlap(
  scores: Map<string, number>,
  termsOf: (paper: string) => readonly string[] | undefined,
  profile: TermProfile,
): Map<string, number> {
  const blended = new Map<string, number>();
  for (const [paper, score] of scores)
    blended.set(paper, score + TERM_WEIGHT * termSimilarity(profile, termsOf(paper) ?? []));
  return blended;
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
export function citationLinkCounts(
  queryPapers: readonly string[],
  citations: CitationGraph,
): Map<string, number> {
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
