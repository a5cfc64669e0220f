/** How many papers have each term, from each paper's distinct stored terms. */
export function termCounts(papers: { terms: string[] }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { terms } of papers) for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * Phrases that describe what two researchers share: class-based TF-IDF (each researcher's papers are
 * one class), term weight = share of the class's papers with the term × log(1 + N / df), and a shared
 * term scores the smaller of its two weights. A phrase contained in a chosen one ("machine
 * translation" in "zero-shot machine translation") is not shown again.
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
    const score = Math.min(countA / aPapers, countB / bPapers) * idf;
    scored.push({ term, score });
  }
  scored.sort((x, y) => y.score - x.score || x.term.localeCompare(y.term));
  const chosen: string[] = [];
  for (const { term } of scored) {
    if (chosen.length >= limit) break;
    const lower = term.toLowerCase();
    if (chosen.some((c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()))) continue;
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
