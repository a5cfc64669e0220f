import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { formatReport, runEvaluation } from '../src/evaluation/harness.ts';
import { createLogger } from '../src/logger.ts';

const USAGE =
  'usage: npm run eval -- --data <file.jsonl[.gz]> --split-year 2022 [--max-queries N] [--k 10,20] ' +
  '[--seed S] [--json out.json] [--markdown docs/EVALUATION.md]';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    'split-year': { type: 'string' },
    'max-queries': { type: 'string' },
    k: { type: 'string', default: '10,20' },
    seed: { type: 'string', default: 'peerscout-eval' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
const splitYear = Number(values['split-year']);
const maxQueries = values['max-queries'] === undefined ? undefined : Number(values['max-queries']);
const ks = (values.k ?? '').split(',').map(Number);
const valid =
  values.data &&
  fs.existsSync(values.data) &&
  Number.isInteger(splitYear) &&
  (maxQueries === undefined || (Number.isInteger(maxQueries) && maxQueries > 0)) &&
  ks.length > 0 &&
  ks.every((k) => Number.isInteger(k) && k > 0);
if (values.help || !valid) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfig();
await ensureModel(config.model.dir, config.model.name);
const started = Date.now();
const report = await runEvaluation(
  {
    data: values.data!,
    splitYear,
    maxQueries,
    ks: [...new Set([...ks, 10, 20])].sort((a, b) => a - b),
    seed: values.seed!,
  },
  createLogger('warn', 'peerscout-eval'),
);
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const table = formatReport(report);
console.log(`\n${table}\n`);
console.log(
  `hybrid Recall@10 / best of Adamic–Adar and topic-only (${report.ratios.bestBaseline}): ` +
    `${report.ratios.hybridRecall10OverBestBaseline.toFixed(3)}×`,
);
console.log(`queries: ${report.queries.evaluated} of ${report.queries.eligible} eligible; ${minutes} min`);
if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (values.markdown) {
  fs.mkdirSync(path.dirname(values.markdown), { recursive: true });
  const doc = [
    '# Evaluation',
    '',
    'Produced by `npm run eval` (src/evaluation/harness.ts); re-run it to refresh this page.',
    '',
    `- data: \`${path.basename(report.data.file)}\`: ${report.data.trainPapers} papers before ${report.splitYear}, ` +
      `${report.data.testPapers} from ${report.splitYear} on, ${report.data.rejectedLines} rejected lines; ` +
      `${report.data.trainResearchers} researchers before the split`,
    `- split year ${report.splitYear}; query authors: ${report.queries.evaluated} evaluated of ${report.queries.eligible} eligible ` +
      '(≥2 papers before the split and ≥1 new co-author after it who also wrote before it); co-authors before the split are excluded from every ranking',
    `- related papers: ${report.queries.relatedPapers} of those authors have papers from the split on`,
    `- seconds by step: ${Object.entries(report.seconds)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (total ${minutes} min, 2 cores)`,
    `- ranking model learned inside the period before the split: ${JSON.stringify(report.model)}`,
    '',
    table,
    '',
    `Hybrid Recall@10 is **${report.ratios.hybridRecall10OverBestBaseline.toFixed(3)}×** the best baseline (${report.ratios.bestBaseline}).`,
    '',
    `Finished ${report.finishedAt}.`,
    '',
  ].join('\n');
  fs.writeFileSync(values.markdown, doc);
}
