import path from 'node:path';

/** What an evaluation run measured: the JSON written by `npm run eval --json`. */
export type EvaluationReport = {
  data: {
    file: string;
    trainPapers: number;
    testPapers: number;
    rejectedLines: number;
    trainResearchers: number;
  };
  splitYear: number;
  queries: { eligible: number; evaluated: number; relatedPapers: number };
  collaborators: Record<string, Record<string, number>>;
  relatedPapers: Record<string, Record<string, number>>;
  ratios: { hybridRecall10OverBestBaseline: number; bestBaseline: string };
  model: unknown;
  seconds: Record<string, number>;
  finishedAt: string;
};

/** The report as a Markdown table block. */
export function formatReport(report: EvaluationReport): string {
  const metricNames = Object.keys(Object.values(report.collaborators)[0] ?? {});
  const lines = [
    `| method | ${metricNames.join(' | ')} |`,
    `|---|${metricNames.map(() => '---').join('|')}|`,
    ...Object.entries(report.collaborators).map(
      ([method, values]) => `| ${method} | ${metricNames.map((m) => values[m]!.toFixed(4)).join(' | ')} |`,
    ),
    '',
    '| related papers | recall@20 |',
    '|---|---|',
    ...Object.entries(report.relatedPapers).map(
      ([method, values]) => `| ${method} | ${values['recall@20']!.toFixed(4)} |`,
    ),
  ];
  return lines.join('\n');
}

/** The page docs/EVALUATION.md: data, split, numbers and how long each step took. */
export function evaluationMarkdown(report: EvaluationReport): string {
  const minutes = (Object.values(report.seconds).reduce((a, b) => a + b, 0) / 60).toFixed(1);
  return [
    '# Evaluation',
    '',
    'Produced by `npm run eval` (src/evaluation/harness.ts); run it again to refresh this page.',
    '',
    `- data: \`${path.basename(report.data.file)}\`: ${report.data.trainPapers} papers before ${report.splitYear}, ` +
      `${report.data.testPapers} from ${report.splitYear} on, ${report.data.rejectedLines} rejected lines; ` +
      `${report.data.trainResearchers} researchers before the split`,
    `- split year ${report.splitYear}; query authors: ${report.queries.evaluated} evaluated of ${report.queries.eligible} eligible ` +
      '(≥2 papers before the split and ≥1 new co-author after it who also wrote before it); co-authors from before the split are excluded from every ranking',
    `- related papers: ${report.queries.relatedPapers} of those authors have papers from the split on; ` +
      'Recall@20 of their own papers among all papers from the split on',
    `- seconds by step: ${Object.entries(report.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (total ${minutes} min on 2 cores)`,
    `- ranking model learned inside the period before the split (weights on standardised features): \`${JSON.stringify(report.model)}\``,
    '',
    formatReport(report),
    '',
    `Hybrid Recall@10 is **${report.ratios.hybridRecall10OverBestBaseline.toFixed(3)}×** the best of Adamic–Adar and topic-only (${report.ratios.bestBaseline}).`,
    '',
    `Finished ${report.finishedAt}.`,
    '',
  ].join('\n');
}
