import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import type { Paper } from '../src/domain/paper.ts';
import { countPaperLines, readPaperFile } from '../src/importing/paper-file.ts';
import { createLogger } from '../src/logger.ts';

const USAGE = 'usage: npm run import -- <file.jsonl|file.jsonl.gz> [--batch-size 64]';
const MAX_REPORTED_REJECTIONS = 50;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'batch-size': { type: 'string', default: '64' }, help: { type: 'boolean', default: false } },
});
const file = positionals[0];
const batchSize = Number(values['batch-size']);
if (values.help || !file || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

try {
  await access(file, constants.R_OK);
  if (!(await stat(file)).isFile()) throw Object.assign(new Error('not a file'), { code: 'not a file' });
} catch (error) {
  console.error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  process.exit(2);
}

const config = loadConfig();
const container = createContainer(config, createLogger('warn', 'peerscout-import'), { embeddingPool: true });
const totals = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
const started = Date.now();
const total = await countPaperLines(file);
const bars = new cliProgress.MultiBar(
  {
    format:
      'import [{bar}] {percentage}% | {value}/{total} lines | {rate} papers/s | ETA {eta_formatted} | ' +
      'new {created} · updated {updated} · skipped {unchanged} · rejected {rejected}',
    etaBuffer: 500,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  },
  cliProgress.Presets.shades_classic,
);
const bar = bars.create(total, 0, { rate: '0.0', ...totals });

/** Rejections go above the bar on a terminal, and straight to stderr when output is piped. */
const report = (message: string) =>
  process.stderr.isTTY ? bars.log(`${message}\n`) : console.error(message);

let processed = 0;
/**
 * Batches in flight at once: one per embedding thread and one more, so that while some batches are
 * being embedded another is parsed or written (parse → embed → write overlap).
 */
const inFlight = new Map<Promise<void>, Set<string>>();
const maxInFlight = config.model.threads + 1;
const flush = async (batch: Paper[]) => {
  if (batch.length === 0) return;
  const ids = new Set(batch.map((paper) => paper.id));
  // A paper id repeated in the file is written after its earlier line, never beside it.
  const overlaps = () => [...inFlight].some(([, busy]) => batch.some((paper) => busy.has(paper.id)));
  while (inFlight.size >= maxInFlight || (inFlight.size > 0 && overlaps()))
    await Promise.race(inFlight.keys());
  const write = container.services.papers.store(batch).then((results) => {
    for (const result of results) totals[result.status] += 1;
  });
  const tracked = write.finally(() => inFlight.delete(tracked));
  tracked.catch(() => undefined); // reported where it is awaited, not as an unhandled rejection
  inFlight.set(tracked, ids);
};
try {
  let batch: Paper[] = [];
  for await (const line of readPaperFile(file, config.limits)) {
    processed += 1;
    if (line.ok) {
      batch.push(line.paper);
    } else {
      totals.rejected += 1;
      if (totals.rejected <= MAX_REPORTED_REJECTIONS)
        report(`line ${line.lineNumber}: rejected: ${line.reason}`);
    }
    if (batch.length >= batchSize) {
      await flush(batch);
      batch = [];
      const seconds = (Date.now() - started) / 1000;
      bar.update(processed, {
        rate: ((totals.created + totals.updated + totals.unchanged) / seconds).toFixed(1),
        ...totals,
      });
    }
  }
  await flush(batch);
  await Promise.all(inFlight.keys());
  bar.update(processed, totals);
} finally {
  await Promise.allSettled(inFlight.keys());
  bars.stop();
  await container.close();
}
const seconds = (Date.now() - started) / 1000;
if (totals.rejected > MAX_REPORTED_REJECTIONS) {
  console.error(`(${totals.rejected - MAX_REPORTED_REJECTIONS} more rejected lines not shown)`);
}
console.log(
  `imported ${totals.created} new and ${totals.updated} updated papers, skipped ${totals.unchanged} unchanged, ` +
    `rejected ${totals.rejected} lines, in ${seconds.toFixed(1)}s ` +
    `(${((totals.created + totals.updated) / Math.max(seconds, 0.001)).toFixed(1)} papers/s embedded and stored)`,
);
