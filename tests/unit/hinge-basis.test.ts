import { describe, expect, it } from 'vitest';
import { expandHinges, hingeKnots, partsPerFeature } from '../../src/recommend/hinge-basis.ts';
import { fitLogisticRegression, logOdds } from '../../src/recommend/logistic-regression.ts';

describe('hinge basis', () => {
  it('puts knots at the median and the 90th percentile, never at the edge of the values', () => {
    // Column 0 runs 0..100; column 1 is 0 for 95 of 101 rows, so its quantiles are its minimum.
    const rows = Array.from({ length: 101 }, (_, i) => [i, i >= 95 ? 1 : 0]);
    expect(hingeKnots(rows, 2)).toEqual([[50, 90], []]);
  });

  it('expands each feature into its value and its excess over each knot, and sums the parts back', () => {
    const knots = [[50, 90], []];
    expect(expandHinges(knots, [70, 1])).toEqual([70, 20, 0, 1]);
    expect(partsPerFeature(knots, [1, 2, 3, 4])).toEqual([6, 4]);
  });

  it('when the chance of collaborating grows with shared co-authors up to ten and not after, then the fitted curve bends there', async () => {
    // 200 pairs at each count 0..20; exactly 5 % × min(count, 10) of them positive.
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let shared = 0; shared <= 20; shared++) {
      const positives = Math.round(200 * 0.05 * Math.min(shared, 10));
      for (let i = 0; i < 200; i++) {
        rows.push([shared]);
        labels.push(i < positives ? 1 : 0);
      }
    }
    const knots = hingeKnots(rows, 1);
    const model = await fitLogisticRegression(
      rows.map((row) => expandHinges(knots, row)),
      labels,
    );
    const curve = (shared: number) => logOdds(model, expandHinges(knots, [shared])).total;
    // log-odds of 30 % against 10 %: 1.35; a straight line fitted to all counts rises far less here.
    expect(curve(6) - curve(2)).toBeGreaterThan(1);
    expect(Math.abs(curve(19) - curve(12))).toBeLessThan(0.3);
  });
});
