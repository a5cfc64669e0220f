/**
 * L2-regularised logistic regression fitted by Newton's method (IRLS) on standardised features.
 * A handful of features and tens of thousands of pairs converge in a few iterations, deterministically.
 */
export type LogisticModel = { mean: number[]; std: number[]; weights: number[]; bias: number };

const MAX_ITERATIONS = 30;
const TOLERANCE = 1e-7;

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a small symmetric positive-definite A (Gaussian elimination, partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / p;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

export function standardize(model: Pick<LogisticModel, 'mean' | 'std'>, x: number[]): number[] {
  return x.map((v, i) => (v - model.mean[i]!) / model.std[i]!);
}

/** Rows handled between two calls of giveWay within one Newton iteration. */
const ROWS_PER_STEP = 50_000;

/**
 * Fits by Newton's method, awaiting `giveWay` every ROWS_PER_STEP rows (the Hessian costs rows × columns²,
 * and a hinge basis has a few dozen columns), so that jobs sharing the event loop are not held up for
 * the whole fit.
 */
export async function fitLogisticRegression(
  rows: number[][],
  labels: number[],
  options: { giveWay?: () => Promise<void>; l2?: number } = {},
): Promise<LogisticModel> {
  const { giveWay, l2 = 1 } = options;
  const d = rows[0]?.length ?? 0;
  const n = rows.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / Math.max(1, n));
  const std = Array.from({ length: d }, (_, j) => {
    const variance = rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / Math.max(1, n);
    return Math.sqrt(variance) || 1;
  });
  const x = rows.map((r) => [1, ...standardize({ mean, std }, r)]);
  let beta = new Array<number>(d + 1).fill(0);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      if (i % ROWS_PER_STEP === 0) await giveWay?.();
      const xi = x[i]!;
      const p = sigmoid(xi.reduce((s, v, j) => s + v * beta[j]!, 0));
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += (p - labels[i]!) * xi[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * xi[j]! * xi[k]!;
      }
    }
    for (let j = 0; j <= d; j++) {
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
      if (j > 0) {
        gradient[j]! += l2 * beta[j]!;
        hessian[j]![j]! += l2;
      }
    }
    const step = solve(hessian, gradient);
    beta = beta.map((b, j) => b - step[j]!);
    if (Math.max(...step.map(Math.abs)) < TOLERANCE) break;
  }
  return { mean, std, bias: beta[0]!, weights: beta.slice(1) };
}

/** Each feature's share of the log-odds (weight × standardised value), and their sum with the bias. */
export function logOdds(model: LogisticModel, x: number[]): { total: number; parts: number[] } {
  const parts = standardize(model, x).map((v, i) => v * model.weights[i]!);
  return { total: model.bias + parts.reduce((a, b) => a + b, 0), parts };
}
