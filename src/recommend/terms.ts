import { eng } from 'stopword';

const STOPWORDS = new Set([
  ...eng,
  // Words that every abstract uses and that name no topic.
  ...'paper propose proposed approach method methods results show shows model models task tasks using based new also however work well can may use used two one first existing study present demonstrate experiments experimental performance significantly state art'.split(
    ' ',
  ),
]);
const MAX_TERMS_PER_PAPER = 400;

/** Lower-case word tokens of a text, stopwords and numbers kept as gaps between phrases. */
function tokens(text: string): (string | null)[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}-]+/u)
    .map((t) => t.replace(/^-+|-+$/g, ''))
    .filter((t) => t.length > 0)
    .map((t) => (t.length < 3 || STOPWORDS.has(t) || /^[\d-]+$/.test(t) ? null : t));
}

/**
 * The distinct terms of a paper for topic phrases: words and two-word phrases that contain no stopword,
 * from the title and the abstract.
 */
export function paperTerms(title: string, abstract: string): string[] {
  const terms = new Set<string>();
  for (const part of [title, abstract]) {
    const words = tokens(part);
    words.forEach((word, i) => {
      if (!word) return;
      terms.add(word);
      const next = words[i + 1];
      if (next) terms.add(`${word} ${next}`);
    });
  }
  return [...terms].slice(0, MAX_TERMS_PER_PAPER);
}

/** Term counts over several texts (each text counts a term once). */
export function termCounts(texts: { title: string; abstract: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { title, abstract } of texts) {
    for (const term of paperTerms(title, abstract)) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Phrases that describe what two researchers share: class-based TF-IDF (each researcher's papers are
 * one class), term weight = share of the class's papers with the term × log(1 + N / df), and a shared
 * term scores the smaller of its two weights. Two-word phrases replace the words they contain.
 */
export function sharedTopicPhrases(
  a: Map<string, number>,
  aPapers: number,
  b: Map<string, number>,
  bPapers: number,
  documentFrequency: (term: string) => number,
  totalPapers: number,
  limit: number,
): string[] {
  const scored: { term: string; score: number }[] = [];
  for (const [term, countA] of a) {
    const countB = b.get(term);
    if (!countB) continue;
    const df = Math.max(1, documentFrequency(term));
    const idf = Math.log(1 + totalPapers / df);
    // Words every other paper has say nothing about a shared topic.
    if (df > totalPapers * 0.2) continue;
    const score = Math.min(countA / aPapers, countB / bPapers) * idf * (term.includes(' ') ? 1.5 : 1);
    scored.push({ term, score });
  }
  scored.sort((x, y) => y.score - x.score || x.term.localeCompare(y.term));
  let chosen: string[] = [];
  for (const { term } of scored) {
    if (chosen.length >= limit) break;
    const words = term.split(' ');
    if (chosen.some((c) => c.split(' ').length > 1 && words.every((w) => c.split(' ').includes(w)))) continue;
    // A phrase replaces the single words it contains.
    if (words.length > 1) chosen = chosen.filter((c) => !words.includes(c));
    chosen.push(term);
  }
  return chosen;
}

/** The phrases that characterise one researcher's papers against the whole store (for profiles). */
export function researcherTopicPhrases(
  counts: Map<string, number>,
  papers: number,
  documentFrequency: (term: string) => number,
  totalPapers: number,
  limit: number,
): string[] {
  return sharedTopicPhrases(counts, papers, counts, papers, documentFrequency, totalPapers, limit);
}
