import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import { createContainer, modelOptions } from '../src/container.ts';
import { type Paper, paperText } from '../src/domain/paper.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { TransformersEmbedder } from '../src/embedding/transformers-embedder.ts';
import { readPaperFile } from '../src/importing/paper-file.ts';
import { createLogger } from '../src/logger.ts';
import { seededShuffle } from '../src/recommend/seeded-shuffle.ts';
import { createRedis } from '../src/storage/redis.ts';
import {
  type CpuPerRequest,
  describeCpu,
  localRedisProcess,
  type MeasuredProcess,
  withCpuPerRequest,
} from './bench/cpu-time.ts';
import { embeddingRows, poolRate, runtimeRow } from './bench/embedding.ts';
import { type LoadResult, loadTest, ms, percentiles, probe, probeSequential } from './bench/http.ts';
import { type BenchRow, markdownTable, ratio, seconds } from './bench/results.ts';
import { copyOf, fillStore } from './bench/store.ts';
import { freePort, startEntryPoint, stopProcess } from './lib/child-process.ts';
import { deletePrefix } from './lib/redis-prefix.ts';

/**
 * `npm run bench`: every figure of docs/BENCHMARKS.md, each beside the reference it is judged
 * against, measured in the same run on this machine. `--quick` runs every step at toy sizes (CI
 * checks that the benchmark runs, not its numbers).
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    data: { type: 'string' },
    papers: { type: 'string' },
    markdown: { type: 'string' },
  },
});
const quick = values.quick!;
const data = path.resolve(
  values.data ??
    (quick ? 'tests/fixtures/acl-sample-500.jsonl' : '../shared/data/acl-anthology-2016plus.jsonl.gz'),
);
const size = {
  storePapers: Number(values.papers ?? (quick ? 500 : 100_000)),
  embedTexts: quick ? 16 : 192,
  runtimeTexts: quick ? 8 : 96,
  importPapers: quick ? 48 : 10_000,
  importReferenceTexts: quick ? 16 : 200,
  loadSeconds: quick ? 2 : 10,
  researchers: quick ? 5 : 100,
  uncachedResearchers: quick ? 5 : 300,
  warmUp: quick ? 2 : 10,
  abstracts: quick ? 4 : 40,
  cheapGetSeconds: quick ? 1 : 5,
};
const config = loadConfig();
await ensureModel(config.model.dir, config.model.name);
const rows: BenchRow[] = [];
const show = (row: BenchRow) => {
  rows.push(row);
  console.log(`${row.figure}: ${row.measured}   [${row.reference}; target ${row.target}]`);
};

const papers: Paper[] = [];
for await (const line of readPaperFile(data)) {
  if (line.ok) papers.push(line.paper);
  if (papers.length >= Math.max(size.importPapers, 2000)) break;
}
const textsOf = (list: Paper[]) => list.map((p) => paperText(p.title, p.abstract));

console.log(
  `# PeerScout benchmark (${quick ? 'quick' : 'full'}), ${os.cpus().length} cores, node ${process.version}`,
);
for (const row of await embeddingRows(config, textsOf(papers.slice(0, size.embedTexts)))) show(row);

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'peerscout-bench-'));
const apiKey = 'bench-key-0123456789abcdef';
const headers = { 'x-api-key': apiKey };
const children: ChildProcess[] = [];
const prefixes: string[] = [];
/** The environment of a PeerScout process of this run: its own prefix, data folder and ports. */
const envFor = async (
  prefix: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> => ({
  KEY_PREFIX: prefix,
  DATA_DIR: path.join(scratch, prefix),
  SEED_ON_START: 'false',
  API_KEYS: `${apiKey}:admin`,
  RATE_LIMIT_MAX: '100000000',
  RATE_LIMIT_EXPENSIVE_MAX: '100000000',
  WORKER_HEALTH_PORT: String(await freePort()),
  LOG_LEVEL: 'info',
  ...extra,
});
const start = async (entry: string, env: Record<string, string>, readyText: string, log?: string[]) => {
  const child = await startEntryPoint(entry, env, readyText, {
    timeoutMs: 900_000,
    onOutput: (chunk) => log?.push(chunk),
  });
  child.stdout!.resume();
  child.stderr!.resume();
  children.push(child);
  return child;
};
const sleep = (msToWait: number) => new Promise((resolve) => setTimeout(resolve, msToWait));
const expectOk = async (response: Response) => {
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${body.slice(0, 300)}`);
  return body;
};
const get = (url: string) => fetch(url, { headers }).then(expectOk);
const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(expectOk);
/** Runs the tasks one after another and times each (p50/p99). */
const probeEach = async (tasks: (() => Promise<unknown>)[]) => {
  const times: number[] = [];
  for (const task of tasks) times.push((await seconds(task)) * 1000);
  return percentiles(times);
};
const rssOf = (child: ChildProcess) =>
  Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;

try {
  show(await runtimeRow(config, textsOf(papers.slice(0, size.runtimeTexts)), scratch));
  // Import: the CLI on papers it has never embedded (an empty cache), with a worker following the changes.
  {
    const prefix = `bench-import-${process.pid}`;
    prefixes.push(prefix);
    const env = await envFor(prefix, { EMBEDDING_CACHE_DIR: path.join(scratch, 'import-cache') });
    const file = path.join(scratch, 'import.jsonl');
    const imported = papers.slice(0, size.importPapers);
    fs.writeFileSync(file, imported.map((p) => JSON.stringify(p)).join('\n'));
    const step = Math.max(1, Math.floor(imported.length / size.importReferenceTexts));
    const reference = await poolRate(
      config,
      textsOf(imported.filter((_, i) => i % step === 0).slice(0, size.importReferenceTexts)),
    );
    const worker = await start('workers/index.ts', env, 'workers started');
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', file], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 1e8,
    });
    const rate = Number(/\(([\d.]+) papers\/s embedded and stored\)/.exec(output)?.[1]);
    await stopProcess(worker);
    show({
      figure: `import ${imported.length} papers (CLI, empty embedding cache, worker running)`,
      measured: `${rate.toFixed(1)} papers/s = ${ratio(rate, reference)}`,
      reference: `pool embed on the same papers' texts: ${reference.toFixed(1)} docs/s`,
      target: '≥ 0.9×',
      met: rate / reference >= 0.9,
    });
  }

  // The store the HTTP figures are taken on.
  const prefix = `bench-${process.pid}`;
  prefixes.push(prefix);
  const env = await envFor(prefix, { PORT: String(await freePort()) });
  const store = createContainer(
    loadConfig({ ...process.env, ...env, EMBEDDING_CACHE_DIR: config.embeddingCacheDir }),
    createLogger('warn', 'bench'),
    { embeddingPool: true },
  );
  let filled = { real: 0, copies: 0 };
  const fillSeconds = await seconds(async () => {
    filled = await fillStore(store, data, size.storePapers, (n) => {
      if (n % 10_000 < 512) console.log(`  store: ${n} papers`);
    });
  });
  await store.close();
  const storeSize = filled.real + filled.copies;
  console.log(
    `# store: ${filled.real} real papers + ${filled.copies} perturbed copies in ${fillSeconds.toFixed(0)} s`,
  );
  const per100k = (s: number) => `${((s * 100_000) / storeSize).toFixed(1)} s per 100k papers`;

  const base = `http://127.0.0.1:${env.PORT}`;
  const apiLog: string[] = [];
  let api: ChildProcess | undefined;
  const rebuildSeconds = await seconds(async () => {
    api = await start('src/server.ts', env, 'Server listening', apiLog);
  });
  const rebuiltMs = Number(/"ms":(\d+)[^\n]*paper index rebuilt from Redis/.exec(apiLog.join(''))?.[1]);
  // What it says while it stops (saving the snapshots) is kept too, for the check below.
  for (const stream of [api!.stdout!, api!.stderr!]) stream.on('data', (chunk) => apiLog.push(String(chunk)));
  const stopped = api!;
  const stopSeconds = await seconds(() => stopProcess(stopped));
  children.pop();
  const stoppedAs = `the first API stopped in ${stopSeconds.toFixed(1)} s with exit code ${stopped.exitCode} (signal ${stopped.signalCode}); snapshot files then: ${fs.readdirSync(env.DATA_DIR!, { recursive: true }).join(', ')}`;
  const snapshotLog: string[] = [];
  const loadSeconds = await seconds(async () => {
    api = await start('src/server.ts', env, 'Server listening', snapshotLog);
  });
  // Logged by the API's own thread before it listens (the index thread's lines may come later).
  const fromSnapshot = snapshotLog.join('').includes('indexes loaded from snapshots');
  if (!fromSnapshot) {
    // What the two processes said about their snapshots and shutdown.
    const snapshotNotes = [...apiLog, ...snapshotLog]
      .join('')
      .split('\n')
      .filter((line) => /snapshot|save failed|shutdown|close/i.test(line))
      .map((line) => line.slice(0, 300));
    console.log(
      `# the start from snapshots rebuilt; ${stoppedAs}; the API logged:\n${snapshotNotes.join('\n')}`,
    );
  }
  show({
    figure: `API start, indexes rebuilt from Redis, at ${storeSize} papers`,
    measured: `${rebuildSeconds.toFixed(1)} s${Number.isNaN(rebuiltMs) ? '' : ` (paper index ${(rebuiltMs / 1000).toFixed(1)} s)`} = ${per100k(rebuildSeconds)}`,
    reference: '—',
    target: 'reported',
  });
  show({
    figure: `API start from the index snapshots at ${storeSize} papers`,
    measured: `${loadSeconds.toFixed(1)} s = ${per100k(loadSeconds)}${fromSnapshot ? '' : ' (NOT from the snapshot)'}`,
    reference: `the start that rebuilt: ${rebuildSeconds.toFixed(1)} s`,
    target: 'reported',
  });

  const ids = papers.slice(0, 2000).map((p) => p.id);
  const authors = [...new Set(papers.slice(0, 4000).flatMap((p) => p.authors.map((a) => a.id)))];
  const researchers = authors.slice(0, size.researchers);
  const uncachedResearchers = authors.slice(0, size.uncachedResearchers);
  const uncachedWarmUp = authors.slice(size.uncachedResearchers, size.uncachedResearchers + size.warmUp);

  const helloPort = String(await freePort());
  const hello = await start('scripts/bench/hello-server.ts', { PORT: helloPort }, 'listening');
  // The CPU each load test costs, by process: what bounds the rows below on this machine.
  const redisInfo = createRedis(config.redisUrl);
  const redisProcess = localRedisProcess(await redisInfo.info('server'));
  redisInfo.disconnect();
  type LoadTarget = { base: string; headers: Record<string, string>; processes: MeasuredProcess[] };
  const apiServer: LoadTarget = {
    base,
    headers,
    processes: [{ name: 'API', pid: api!.pid! }, ...(redisProcess ? [redisProcess] : [])],
  };
  // Every load test: 10 connections for the same time, on the API or on the hello-world server.
  const loadOver = async (paths: string[], server: LoadTarget = apiServer) => {
    const { result, cpu } = await withCpuPerRequest(
      server.processes,
      () => loadTest(server.base, paths, server.headers, { connections: 10, durationS: size.loadSeconds }),
      (run) => run.requests,
    );
    return { ...result, cpu };
  };
  const helloServer: LoadTarget = {
    base: `http://127.0.0.1:${helloPort}`,
    headers: {},
    processes: [{ name: 'hello-world', pid: hello.pid! }],
  };
  const helloRun = await loadOver(['/hello'], helloServer);
  const withCpu = (run: { cpu: CpuPerRequest | null }) => (run.cpu ? `; ${describeCpu(run.cpu)}` : '');
  const overHello = (run: LoadResult & { cpu: CpuPerRequest | null }) =>
    `p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${run.requestsPerSecond.toFixed(0)} req/s = ${ratio(run.requestsPerSecond, helloRun.requestsPerSecond)}${run.failed ? `, ${run.failed} failed` : ''}${withCpu(run)}`;
  const helloReference = `fastify hello-world: ${helloRun.requestsPerSecond.toFixed(0)} req/s, p99 ${ms(helloRun.p99)}${withCpu(helloRun)}`;
  // The cheapest authenticated route (key check, rate limit in Redis, one paper read): what any route of
  // the API can reach at most beside hello-world.
  const oneRead = await loadOver(ids.map((id) => `/v1/papers/${encodeURIComponent(id)}`));
  show({
    figure: 'GET one paper over HTTP (10 connections): the cheapest authenticated route',
    measured: overHello(oneRead),
    reference: helloReference,
    target: 'reported (the ceiling of every route below)',
  });
  const similarPath = (id: string) => `/v1/papers/${encodeURIComponent(id)}/similar?limit=10`;
  // Every request a paper not asked before: each is searched (real papers and their copies, shuffled).
  const storedIds = seededShuffle(
    [
      ...papers.slice(0, filled.real).map((p) => p.id),
      ...papers.slice(0, filled.copies).map((p) => copyOf(p).id),
    ],
    'bench-similar',
  );
  const similarCold = await loadOver(storedIds.map(similarPath));
  const meetsTarget = (run: LoadResult) =>
    run.p99 < 5 && run.requestsPerSecond / helloRun.requestsPerSecond >= 0.5 && run.failed === 0;
  show({
    figure: `similar-by-id over HTTP at ${storeSize} papers, each paper asked once (${storedIds.length} ids, 10 connections)`,
    measured: overHello(similarCold),
    reference: helloReference,
    target: 'p99 < 5 ms; ≥ 0.5×',
    met: meetsTarget(similarCold),
  });
  // Popular papers: the same 2000 asked again and again (answers kept per index version).
  const similar = await loadOver(ids.map(similarPath));
  show({
    figure: `similar-by-id over HTTP at ${storeSize} papers, ${ids.length} papers asked again and again (10 connections)`,
    measured: overHello(similar),
    reference: helloReference,
    target: 'p99 < 5 ms; ≥ 0.5×',
    met: meetsTarget(similar),
  });

  // The ceiling of the rows above at their answers' size: fastify sending an already serialised body
  // of the mean similar-by-id answer's size, with no work at all (no auth, Redis or search).
  const answers = await Promise.all(ids.slice(0, 20).map((id) => get(`${base}${similarPath(id)}`)));
  const answerBytes = Math.round(
    answers.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / answers.length,
  );
  const sized = await loadOver([`/sized/${answerBytes}`], helloServer);
  show({
    figure: `fastify answering a fixed JSON body of ${(answerBytes / 1024).toFixed(1)} KiB (the mean similar-by-id answer above), already serialised`,
    measured: overHello(sized),
    reference: helloReference,
    target: 'reported (what the similar-by-id rows can reach at most at this answer size)',
  });

  // Pasted abstracts (the API's embedding cache is empty) against one embed call alone.
  const abstracts = papers.slice(-size.abstracts);
  // One session set up as each of the API's embedding threads is.
  const single = new TransformersEmbedder(modelOptions(config));
  await single.embed(['warm-up']);
  const alone = await probeEach(abstracts.map((p) => () => single.embed([p.abstract])));
  // The route's first requests set it up (JIT, schemas): warmed like the session above, on other texts.
  const similarToText = (text: string) => ({
    path: '/v1/papers/similar',
    body: { abstract: text, limit: 10 },
  });
  const byAbstract = await probeSequential({
    base,
    headers,
    warmUp: papers.slice(0, 2).map((p) => similarToText(p.title)),
    measured: abstracts.map((p) => similarToText(p.abstract)),
  });
  show({
    figure: `similar-by-abstract over HTTP (${abstracts.length} new abstracts, one at a time)`,
    measured: `p50 ${ms(byAbstract.p50)}, p99 ${ms(byAbstract.p99)} = ${ratio(byAbstract.p50, alone.p50)} (p50)`,
    reference: `one embed call alone: p50 ${ms(alone.p50)}, p99 ${ms(alone.p99)}`,
    target: '≤ 1.2×',
    met: byAbstract.p50 / alone.p50 <= 1.2,
  });

  // Collaborators computed on request (options the cache does not hold). A few researchers first, not
  // measured, as the cached row's warm-up pass: the first ranking of a process compiles its code paths
  // (on a 25k-paper store just started, the first request took 277 ms, the next nine 38–101 ms). Then
  // more researchers than the cached row's 100, so the p99 is not the second slowest request.
  const uncachedRequest = (id: string) => ({
    path: `/v1/researchers/${encodeURIComponent(id)}/collaborators?diversity=0.29`,
  });
  const uncached = await probeSequential({
    base,
    headers,
    warmUp: uncachedWarmUp.map(uncachedRequest),
    measured: uncachedResearchers.map(uncachedRequest),
  });
  show({
    figure: `collaborators over HTTP, uncached, at ${storeSize} papers (${uncachedResearchers.length} researchers, after ${uncachedWarmUp.length} unmeasured)`,
    measured: `p50 ${ms(uncached.p50)}, p99 ${ms(uncached.p99)}`,
    reference: '—',
    target: 'p99 < 50 ms',
    met: uncached.p99 < 50,
  });

  // A cheap GET alone, then while a 256-paper ingest and 4 uncached suggestion requests run.
  const cheapPaths = ids.slice(0, 500).map((id) => `/v1/papers/${encodeURIComponent(id)}`);
  const cheapAlone = await probe(base, cheapPaths, headers, sleep(size.cheapGetSeconds * 1000), 50);
  const ingest = papers
    .slice(0, 256)
    .map((p) => ({ ...p, id: `${p.id}~load`, title: `Revisited: ${p.title}` }));
  // Failures are part of the figure (e.g. a Redis command timing out behind a busy index thread).
  const load = Promise.allSettled([
    post(`${base}/v1/papers`, { papers: ingest }),
    ...researchers
      .slice(0, 4)
      .map((id) => get(`${base}/v1/researchers/${encodeURIComponent(id)}/collaborators?diversity=0.31`)),
  ]);
  const cheapLoaded = await probe(base, cheapPaths, headers, load, 50);
  const loadFailures = (await load).filter((outcome) => outcome.status === 'rejected').length;
  show({
    figure: 'cheap GET (a paper) p99 while a 256-paper ingest and 4 uncached suggestion requests run',
    measured: `p99 ${ms(cheapLoaded.p99)} = ${ratio(cheapLoaded.p99, cheapAlone.p99)} (${cheapLoaded.count} requests)${loadFailures ? `; ${loadFailures} of 5 load requests failed` : ''}`,
    reference: `the same GET alone: p99 ${ms(cheapAlone.p99)}`,
    target: '≤ 2×',
    met: cheapLoaded.p99 / cheapAlone.p99 <= 2 && loadFailures === 0,
  });

  // Cached collaborators: a worker computes the default lists (the refresh job), then they are read.
  const worker = await start('workers/index.ts', env, 'workers started');
  const queued = createContainer(loadConfig({ ...process.env, ...env }), createLogger('warn', 'bench'));
  await queued.services.refresh.request(researchers, 'on-demand');
  const counts = await queued.queues
    .queue('suggestions')
    .getJobCounts('waiting', 'prioritized', 'active', 'delayed');
  console.log(
    `# the suggestions queue once the ${researchers.length} refreshes were asked for: ${JSON.stringify(counts)}`,
  );
  const cacheKeys = researchers.map((id) => queued.keys.suggestionsCache(id));
  const deadline = Date.now() + 600_000;
  while ((await queued.redis.exists(...cacheKeys)) < researchers.length && Date.now() < deadline)
    await sleep(500);
  const filledCaches = await queued.redis.exists(...cacheKeys);
  await queued.close();
  await stopProcess(worker);
  const cachedRead = (id: string) => ({ path: `/v1/researchers/${encodeURIComponent(id)}/collaborators` });
  // One pass first sets up what a route's first answers from the cache set up (JIT of that path, a new
  // connection after the wait): on 8,000 papers the first of 100 reads took 103 ms, the next 21 ms. Reads
  // change nothing, so the measured passes read the same lists; three of them, so the p99 is not the
  // second slowest of 100.
  const cached = await probeSequential({
    base,
    headers,
    warmUp: researchers.map(cachedRead),
    measured: [1, 2, 3].flatMap(() => researchers.map(cachedRead)),
  });
  show({
    figure: `collaborators over HTTP, cached (${filledCaches} of ${researchers.length} lists precomputed, each read 3 times after a warm-up pass)`,
    measured: `p50 ${ms(cached.p50)}, p99 ${ms(cached.p99)}`,
    reference: '—',
    target: 'p99 < 5 ms',
    met: cached.p99 < 5,
  });
  show({
    figure: `API process RSS at ${storeSize} papers (after the runs above)`,
    measured: `${rssOf(api!).toFixed(0)} MiB`,
    reference: '—',
    target: 'reported',
  });
} finally {
  for (const child of children) await stopProcess(child);
  for (const prefix of prefixes) await deletePrefix(config.redisUrl, prefix);
  fs.rmSync(scratch, { recursive: true, force: true });
}

const table = markdownTable(rows);
console.log(`\n${table}`);
if (values.markdown) fs.writeFileSync(values.markdown, `${table}\n`);
