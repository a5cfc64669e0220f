/**
 * A piecewise-linear basis for each feature (hinges, as in MARS and the splines of a generalised
 * additive model): a feature x becomes x, max(0, x − k₁), max(0, x − k₂), … so the logistic model can
 * learn a curve per feature (shared co-authors that count a lot from none to two and little after ten)
 * and stays additive: every part of the score still belongs to one feature.
 */

/** Where the bends may go: at these quantiles of a feature's values in the training rows. */
const KNOT_QUANTILES = [0.5, 0.9];

/**
 * Knots per feature column: the KNOT_QUANTILES of its values, kept only strictly between its smallest
 * and largest value (a knot at the edge adds a column that is all zero or equal to the feature) and
 * each once (a feature that is mostly 0 has few distinct quantiles).
 */
export function hingeKnots(rows: readonly number[][], features: number): number[][] {
  return Array.from({ length: features }, (_, j) => {
    const values = rows.map((row) => row[j]!).sort((a, b) => a - b);
    if (values.length === 0) return [];
    const min = values[0]!;
    const max = values[values.length - 1]!;
    const knots = KNOT_QUANTILES.map((q) => values[Math.floor(q * (values.length - 1))]!);
    return [...new Set(knots.filter((k) => k > min && k < max))];
  });
}

/** A row of features in the basis: per feature, its value and then its excess over each knot. */
export function expandHinges(knots: readonly number[][], x: readonly number[]): number[] {
  const expanded: number[] = [];
  x.forEach((value, j) => {
    expanded.push(value);
    for (const knot of knots[j] ?? []) expanded.push(Math.max(0, value - knot));
  });
  return expanded;
}

/** Splits a vector in the basis (an expanded row, its parts or the model's weights) back by feature. */
export function groupByFeature(knots: readonly number[][], expanded: readonly number[]): number[][] {
  let at = 0;
  return knots.map((featureKnots) => {
    const group = expanded.slice(at, at + featureKnots.length + 1);
    at += featureKnots.length + 1;
    return group;
  });
}

/** Sums the parts of an expanded row back to one part per feature. */
export function partsPerFeature(knots: readonly number[][], parts: readonly number[]): number[] {
  return groupByFeature(knots, parts).map((group) => group.reduce((a, b) => a + b, 0));
}
