import { allocateByMatchStrength } from '../recommend/exposure-allocation.ts';
import { recallAt } from './metrics.ts';

/** One query author's default list (deeper than ten, best first) and the co-authors they gained later. */
export type ExposureQuery = {
  researcher: string;
  ranked: { id: string; score: number }[];
  relevant: Set<string>;
};

export type ExposureRow = {
  /** Times one candidate may fill a top-10 slot across all lists; null: the plain default lists. */
  cap: number | null;
  'recall@10': number;
  /** Share of everyone in some candidate set who appears in at least one top 10. */
  coverage: number;
  /** Gini coefficient of top-10 appearances over that same pool (0: equal, 1: one person has all). */
  gini: number;
  /** Share of all top-10 slots taken by the 1% of researchers with the most papers. */
  topProductiveShare: number;
  /** The most top-10 appearances of any one candidate. */
  maxExposure: number;
};

const TOP = 10;

/** Gini coefficient of non-negative amounts (zeros included). */
export function giniCoefficient(amounts: number[]): number {
  const sorted = [...amounts].sort((a, b) => a - b);
  const n = sorted.length;
  const total = sorted.reduce((a, b) => a + b, 0);
  if (n === 0 || total === 0) return 0;
  const weighted = sorted.reduce((sum, x, i) => sum + (i + 1) * x, 0);
  return (2 * weighted) / (n * total) - (n + 1) / n;
}

/**
 * How concentrated the top-10 slots are, for the plain default lists and for the lists the digest's
 * exposure cap gives (each candidate in at most `cap` top tens, handed out by match strength with
 * the service's own allocation): the trade-off between spreading attention and recall.
 */
export function exposureFigures(
  queries: ExposureQuery[],
  mostProductive: Set<string>,
  caps: (number | null)[],
): ExposureRow[] {
  const pool = new Set(queries.flatMap((q) => q.ranked.map((r) => r.id)));
  return caps.map((cap) => {
    const lists =
      cap === null
        ? queries.map((q) => q.ranked.slice(0, TOP).map((r) => r.id))
        : (() => {
            const allocated = allocateByMatchStrength(
              queries.map((q) => ({
                recipient: q.researcher,
                want: TOP,
                options: q.ranked.map((r) => ({ candidate: r.id, score: r.score })),
              })),
              () => cap,
              // Lists, not invitations: both people may see each other.
              { oneDirectionPerPair: false },
            );
            return queries.map((q) => allocated.get(q.researcher) ?? []);
          })();
    const exposure = new Map<string, number>();
    for (const list of lists) for (const id of list) exposure.set(id, (exposure.get(id) ?? 0) + 1);
    const slots = lists.reduce((sum, list) => sum + list.length, 0);
    const productiveSlots = [...exposure].reduce(
      (sum, [id, count]) => sum + (mostProductive.has(id) ? count : 0),
      0,
    );
    const recall = queries.reduce((sum, q, i) => sum + recallAt(lists[i]!, q.relevant, TOP), 0);
    return {
      cap,
      'recall@10': recall / Math.max(1, queries.length),
      coverage: exposure.size / Math.max(1, pool.size),
      gini: giniCoefficient([...pool].map((id) => exposure.get(id) ?? 0)),
      topProductiveShare: productiveSlots / Math.max(1, slots),
      maxExposure: Math.max(0, ...exposure.values()),
    };
  });
}
