/** Ranking metrics of one query; `ranked` is best first, `relevant` the ids that count as hits. */
export function recallAt(ranked: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) hits += 1;
  return hits / relevant.size;
}

export function reciprocalRank(ranked: string[], relevant: Set<string>): number {
  const index = ranked.findIndex((id) => relevant.has(id));
  return index < 0 ? 0 : 1 / (index + 1);
}

/** nDCG@k with binary gains. */
export function ndcgAt(ranked: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export type MetricTotals = { queries: number; sums: Record<string, number> };

export function emptyTotals(): MetricTotals {
  return { queries: 0, sums: {} };
}

/** Adds one query's metrics (Recall@k for each k, MRR, nDCG@10) to running totals. */
export function addQuery(totals: MetricTotals, ranked: string[], relevant: Set<string>, ks: number[]): void {
  totals.queries += 1;
  const add = (name: string, value: number) => {
    totals.sums[name] = (totals.sums[name] ?? 0) + value;
  };
  for (const k of ks) add(`recall@${k}`, recallAt(ranked, relevant, k));
  add('mrr', reciprocalRank(ranked, relevant));
  add('ndcg@10', ndcgAt(ranked, relevant, 10));
}

export function averages(totals: MetricTotals): Record<string, number> {
  return Object.fromEntries(
    Object.entries(totals.sums).map(([name, sum]) => [name, totals.queries ? sum / totals.queries : 0]),
  );
}
