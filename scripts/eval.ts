import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { runEvaluation } from '../src/evaluation/harness.ts';
import { evaluationMarkdown, formatReport } from '../src/evaluation/report.ts';
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
  `default list Recall@10 / best of Adamic–Adar and topic-only (${report.ratios.bestBaseline}): ` +
    `${report.ratios.defaultRecall10OverBestBaseline.toFixed(3)}×`,
);
console.log(`queries: ${report.queries.evaluated} of ${report.queries.eligible} eligible; ${minutes} min`);
if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
if (values.markdown) {
  fs.mkdirSync(path.dirname(values.markdown), { recursive: true });
  fs.writeFileSync(values.markdown, evaluationMarkdown(report));
}
