/** Scores and similarities as the API and reports show them: four decimals. */
export function roundScore(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
