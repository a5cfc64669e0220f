import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Cluster } from 'ioredis';
import seedrandom from 'seedrandom';
import { loadConfig } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import type { Paper } from '../src/domain/paper.ts';
import { paperHashes } from '../src/domain/paper-hashes.ts';
import { l2Normalize } from '../src/embedding/pooling.ts';
import { readPaperFile } from '../src/importing/paper-file.ts';
import { createLogger } from '../src/logger.ts';
import { PHRASES_VERSION, paperPhrases } from '../src/recommend/key-phrases.ts';
import type { Redis } from '../src/storage/redis.ts';
import { deletePrefix } from './lib/redis-prefix.ts';

/**
 * Memory per paper of the two places PeerScout keeps data (docs/SCALING.md): Redis (every key a paper
 * write makes: the paper with its vector, author links, researchers, citations, catalogue) and one API
 * process's indexes (the HNSW index of paper vectors with its metadata, the co-author graph, every
 * researcher's interests, the citation index).
 *
 * The store is written with the first papers of a real file, growing through each size asked for;
 * vectors are seeded random unit vectors (their memory is that of real ones, and no model runs). At
 * each size two fresh child processes open the indexes — one rebuilds them from Redis, the next loads
 * the snapshot that one saved — and each reports what opening them added to its memory, so that
 * nothing the writer (or the other way of opening) allocated is counted. Per-100k figures are the slope between the sizes, which leaves out
 * what a process holds whatever the size. Everything is written under a fresh key prefix and deleted
 * afterwards. REDIS_URL may name a cluster (redis-cluster://…).
 *
 *   npm run measure:memory -- --papers 20000,58459 [--file ../shared/data/acl-anthology-2016plus.jsonl.gz]
 */
const { values } = parseArgs({
  options: {
    papers: { type: 'string', default: '20000,58459' },
    file: { type: 'string', default: '../shared/data/acl-anthology-2016plus.jsonl.gz' },
    /** Internal: run as the child that opens the indexes of an existing prefix ('rebuild' or 'snapshot'). */
    'open-index': { type: 'string' },
  },
});

const MiB = 1024 * 1024;
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type ProcessMemory = { rss: number; heapUsed: number; external: number };
type IndexMemory = {
  rebuild: ProcessMemory;
  rebuildSeconds: number;
  snapshot: ProcessMemory;
  snapshotSeconds: number;
  snapshotBytes: number;
  vectors: Vectors;
};

function processMemory(): ProcessMemory {
  gc();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss, heapUsed, external };
}

const grown = (after: ProcessMemory, before: ProcessMemory): ProcessMemory => ({
  rss: after.rss - before.rss,
  heapUsed: after.heapUsed - before.heapUsed,
  external: after.external - before.external,
});

function folderBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** What was opened: the vectors of the paper index and of the researchers' interest centroids. */
type Vectors = { papers: number; centroids: number };
type Opened = { memory: ProcessMemory; seconds: number; snapshotBytes: number; vectors: Vectors };

/**
 * The child: opens the indexes of the prefix in KEY_PREFIX, rebuilt from Redis (its snapshot folder
 * emptied first) or from the snapshot a rebuild saved, and reports what that added to its memory.
 */
async function openIndexes(from: 'rebuild' | 'snapshot'): Promise<Opened> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
  if (from === 'rebuild') fs.rmSync(config.dataDir, { recursive: true, force: true });
  const container = createContainer(config, createLogger('warn', 'measure-memory'));
  try {
    const before = processMemory();
    const started = Date.now();
    const { rebuilt } = await container.paperIndex.open();
    const seconds = (Date.now() - started) / 1000;
    const memory = grown(processMemory(), before);
    if (rebuilt !== (from === 'rebuild')) throw new Error(`the indexes were not opened by ${from}`);
    await container.paperIndex.save();
    const vectors = {
      papers: container.paperIndex.index.size,
      centroids: container.researcherIndex.centroids.size,
    };
    return { memory, seconds, snapshotBytes: folderBytes(config.dataDir), vectors };
  } finally {
    await container.close();
  }
}

/** Each way of opening in a process of its own, so that neither counts what the other left. */
async function indexMemory(env: Record<string, string>): Promise<IndexMemory> {
  const inChild = async (from: 'rebuild' | 'snapshot'): Promise<Opened> => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, '--open-index', from], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the index process (${from}) exited with ${code}`);
    return JSON.parse(output.trim().split('\n').at(-1)!) as Opened;
  };
  const rebuild = await inChild('rebuild');
  const snapshot = await inChild('snapshot');
  return {
    rebuild: rebuild.memory,
    rebuildSeconds: rebuild.seconds,
    snapshot: snapshot.memory,
    snapshotSeconds: snapshot.seconds,
    snapshotBytes: rebuild.snapshotBytes,
    vectors: snapshot.vectors,
  };
}

/** used_memory of each master (one for a single Redis). */
async function redisUsedMemory(redis: Redis): Promise<number[]> {
  const servers = redis instanceof Cluster ? redis.nodes('master') : [redis];
  return Promise.all(
    servers.map(async (server) => Number(/used_memory:(\d+)/.exec(await server.info('memory'))?.[1] ?? 0)),
  );
}

type Row = {
  papers: number;
  researchers: number;
  redisBytes: number;
  /** What each master gained (one entry for a single Redis). */
  redisBytesPerMaster: number[];
  catalogueBytes: number;
} & IndexMemory;

async function measure(): Promise<Row[]> {
  const sizes = values.papers
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
  const prefix = `measure-${process.pid}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  const env = { KEY_PREFIX: prefix, DATA_DIR: dataDir };
  const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'warn' });
  const container = createContainer(config, createLogger('warn', 'measure-memory'));
  const rows: Row[] = [];
  try {
    const papers: Paper[] = [];
    for await (const line of readPaperFile(values.file, config.limits)) {
      if (line.ok) papers.push(line.paper);
      if (papers.length >= sizes.at(-1)!) break;
    }
    const random = seedrandom('measure-memory');
    const write = async (paper: Paper) => {
      const vector = l2Normalize(Float32Array.from({ length: 384 }, () => random() - 0.5));
      await container.repositories.papers.upsert({
        paper,
        vector,
        terms: paperPhrases(paper),
        ...paperHashes(paper, container.embedder.modelVersion, PHRASES_VERSION),
      });
    };
    const redisBefore = await redisUsedMemory(container.redis);
    let written = 0;
    for (const size of sizes) {
      const upTo = Math.min(size, papers.length);
      for (; written < upTo; written = Math.min(written + 64, upTo)) {
        await Promise.all(papers.slice(written, Math.min(written + 64, upTo)).map(write));
      }
      const { keys, redis } = container;
      const catalogue = [
        keys.papers(),
        keys.researchers(),
        keys.researcherNames(),
        keys.termDocumentFrequency(),
        keys.referenceOwners(),
      ];
      const catalogueBytes = (
        await Promise.all(catalogue.map((key) => redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')))
      ).reduce<number>((sum, bytes) => sum + Number(bytes ?? 0), 0);
      const perMaster = (await redisUsedMemory(redis)).map((bytes, i) => bytes - redisBefore[i]!);
      const row: Row = {
        papers: upTo,
        researchers: await container.repositories.researchers.count(),
        redisBytes: perMaster.reduce((a, b) => a + b, 0),
        redisBytesPerMaster: perMaster,
        catalogueBytes,
        ...(await indexMemory(env)),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    return rows;
  } finally {
    await container.close();
    await deletePrefix(config.redisUrl, prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(rows: Row[]): void {
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const slope = (of: (row: Row) => number) =>
    rows.length > 1
      ? ((of(last) - of(first)) / (last.papers - first.papers)) * 100_000
      : (of(last) / last.papers) * 100_000;
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
  const span =
    rows.length > 1 ? `slope from ${first.papers} to ${last.papers} papers` : `${last.papers} papers`;
  console.log(`\nper 100k papers (${span}):`);
  console.log(`  Redis, all keys:               ${mib(slope((r) => r.redisBytes))}`);
  console.log(`    of which the catalogue slot: ${mib(slope((r) => r.catalogueBytes))}`);
  console.log(
    `  API indexes, rebuilt:          RSS ${mib(slope((r) => r.rebuild.rss))} ` +
      `(JS heap ${mib(slope((r) => r.rebuild.heapUsed))}, buffers ${mib(slope((r) => r.rebuild.external))})`,
  );
  console.log(
    `  API indexes, from snapshot:    RSS ${mib(slope((r) => r.snapshot.rss))} ` +
      `(JS heap ${mib(slope((r) => r.snapshot.heapUsed))}, buffers ${mib(slope((r) => r.snapshot.external))})`,
  );
  console.log(`  index snapshots on disk:       ${mib(slope((r) => r.snapshotBytes))}`);
  console.log(
    `  vectors held:                  ${Math.round(slope((r) => r.vectors.papers)).toLocaleString('en')} papers, ` +
      `${Math.round(slope((r) => r.vectors.centroids)).toLocaleString('en')} interest centroids`,
  );
  if (last.redisBytesPerMaster.length > 1) {
    const shares = last.redisBytesPerMaster.map(
      (bytes) => `${((bytes / last.redisBytes) * 100).toFixed(0)}%`,
    );
    console.log(`  Redis memory per master at ${last.papers} papers: ${shares.join(' / ')}`);
  }
  console.log(
    `  researchers:                   ${Math.round(slope((r) => r.researchers)).toLocaleString('en')}`,
  );
  console.log(
    `  rebuild ${last.rebuildSeconds.toFixed(1)} s and snapshot load ${last.snapshotSeconds.toFixed(1)} s ` +
      `at ${last.papers} papers`,
  );
}

const from = values['open-index'];
if (from === 'rebuild' || from === 'snapshot') {
  console.log(JSON.stringify(await openIndexes(from)));
} else {
  report(await measure());
}
