/** One line of the benchmark table: a figure, what it is measured against in the same run, and the target. */
export type BenchRow = { figure: string; measured: string; reference: string; target: string; met?: boolean };

export const seconds = async (task: () => Promise<unknown>): Promise<number> => {
  const started = process.hrtime.bigint();
  await task();
  return Number(process.hrtime.bigint() - started) / 1e9;
};

export const ratio = (value: number, reference: number) => `${(value / reference).toFixed(2)}×`;

export function markdownTable(rows: BenchRow[]): string {
  const verdict = (row: BenchRow) => (row.met === undefined ? '' : row.met ? ' ✔' : ' ✘');
  return [
    '| figure | measured | reference (same run) | target |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.measured} | ${r.reference} | ${r.target}${verdict(r)} |`),
  ].join('\n');
}
