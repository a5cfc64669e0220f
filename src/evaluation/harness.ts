import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import seedrandom from 'seedrandom';
import { type Config, loadConfig } from '../config.ts';
import { createContainer } from '../container.ts';
import type { Paper } from '../domain/paper.ts';
import { paperText } from '../domain/paper.ts';
import { roundScore } from '../domain/score.ts';
import { adamicAdar, commonNeighbours, hopDistances } from '../graph/proximity.ts';
import { readPaperFile } from '../importing/paper-file.ts';
import type { Logger } from '../logger.ts';
import { collaboratorOptions } from '../recommend/collaborator-ranking.ts';
import { relatedPaperScores, relatedQueryVectors } from '../recommend/related-papers.ts';
import { seededShuffle } from '../recommend/seeded-shuffle.ts';
import { VectorIndex } from '../vector/vector-index.ts';
import { type CollaborationQuery, collaborationQueries } from './ground-truth.ts';
import { addQuery, averages, emptyTotals, type MetricTotals, recallAt } from './metrics.ts';
import type { EvaluationReport } from './report.ts';

export type EvaluationOptions = {
  data: string;
  splitYear: number;
  maxQueries?: number;
  ks: number[];
  seed: string;
  env?: NodeJS.ProcessEnv;
  /** Overrides the key prefix derived from the file and split. */
  keyPrefix?: string;
};

const RANK_DEPTH = 100;
const RELATED_K = 20;

function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      noTTYOutput: true,
      notTTYSchedule: 15_000,
      etaBuffer: 200,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

/** A key prefix of its own per data file and split, so evaluation never touches the service's data. */
function evaluationPrefix(file: string, splitYear: number): string {
  const stat = fs.statSync(file);
  const digest = createHash('sha256')
    .update(`${path.resolve(file)}:${stat.size}:${stat.mtimeMs}:${splitYear}`)
    .digest('hex')
    .slice(0, 12);
  return `eval-${digest}`;
}

/**
 * Time-split evaluation on any file in the import schema: papers before the split year are stored
 * (under an isolated prefix, reusing the on-disk embedding cache), rankings are computed from them, and
 * the co-authors and papers that appear from the split year on are the answers.
 */
export async function runEvaluation(options: EvaluationOptions, logger: Logger): Promise<EvaluationReport> {
  const seconds: Record<string, number> = {};
  const clock = (name: string, started: number) => {
    seconds[name] = Math.round((Date.now() - started) / 100) / 10;
  };
  let started = Date.now();
  const train: Paper[] = [];
  const test: Paper[] = [];
  let rejectedLines = 0;
  for await (const line of readPaperFile(options.data)) {
    if (!line.ok) rejectedLines += 1;
    else if (line.paper.year < options.splitYear) train.push(line.paper);
    else test.push(line.paper);
  }
  clock('read', started);
  if (train.length === 0 || test.length === 0) {
    throw new Error(
      `split year ${options.splitYear} leaves ${train.length} papers before and ${test.length} after it`,
    );
  }

  const config: Config = loadConfig({
    ...(options.env ?? process.env),
    KEY_PREFIX: options.keyPrefix ?? evaluationPrefix(options.data, options.splitYear),
  });
  const container = createContainer(config, logger);
  try {
    started = Date.now();
    await container.start({ backgroundSync: false });
    const ingestBar = progressBar('store papers < split', train.length);
    for (let i = 0; i < train.length; i += 256) {
      await container.services.papers.store(train.slice(i, i + 256));
      ingestBar.update(Math.min(train.length, i + 256));
    }
    ingestBar.stop();
    clock('storeTrainPapers', started);
    started = Date.now();
    await container.paperIndex.catchUp();
    await container.paperIndex.save();
    clock('indexes', started);

    started = Date.now();
    const models = await container.services.rankingModel.train(options.seed);
    clock('trainRanker', started);

    const eligible = collaborationQueries(train, test);
    const queries = seededShuffle(eligible, options.seed).slice(0, options.maxQueries ?? eligible.length);
    started = Date.now();
    const collaborators = await evaluateCollaborators(container, queries, options);
    clock('collaboratorRankings', started);

    started = Date.now();
    const related = await evaluateRelatedPapers(container, queries, test);
    clock('relatedPapers', started);

    const recall10 = (method: string) => collaborators.results[method]?.['recall@10'] ?? 0;
    const bestBaseline = recall10('adamic-adar') >= recall10('topic-only') ? 'adamic-adar' : 'topic-only';
    return {
      data: {
        file: options.data,
        trainPapers: train.length,
        testPapers: test.length,
        rejectedLines,
        trainResearchers: container.researcherIndex.graph.researcherCount,
      },
      splitYear: options.splitYear,
      queries: { eligible: eligible.length, evaluated: queries.length, relatedPapers: related.queries },
      collaborators: collaborators.results,
      relatedPapers: related.results,
      ratios: {
        bestBaseline,
        hybridRecall10OverBestBaseline: roundScore(
          recall10('peerscout-hybrid') / Math.max(1e-9, recall10(bestBaseline)),
        ),
      },
      model: models
        ? {
            graph: models.graph.training,
            weights: Object.fromEntries(
              models.graph.features.map((f, i) => [f, roundScore(models.graph.model.weights[i]!)]),
            ),
          }
        : null,
      seconds,
      finishedAt: new Date().toISOString(),
    };
  } finally {
    await container.close();
  }
}

type Container = ReturnType<typeof createContainer>;

async function evaluateCollaborators(
  container: Container,
  queries: CollaborationQuery[],
  options: EvaluationOptions,
) {
  const graph = container.researcherIndex.graph;
  const researchers = [...graph.researchers()].sort();
  const methods = [
    'random',
    'common-neighbours',
    'adamic-adar',
    'topic-only',
    'peerscout-hybrid',
    'peerscout-hybrid+mmr',
  ];
  const totals = new Map<string, MetricTotals>(methods.map((m) => [m, emptyTotals()]));
  const random = seedrandom(`${options.seed}:random`);
  const base = collaboratorOptions({ limit: RANK_DEPTH });
  const bar = progressBar('collaborator queries', queries.length);
  for (const [n, query] of queries.entries()) {
    const self = query.researcher;
    const known = graph.neighbours(self);
    const allowed = (id: string) => id !== self && !known.has(id);

    const randomPick = new Set<string>();
    for (let tries = 0; randomPick.size < RANK_DEPTH && tries < RANK_DEPTH * 20; tries++) {
      const id = researchers[Math.floor(random() * researchers.length)]!;
      if (allowed(id)) randomPick.add(id);
    }
    const twoHop = [...hopDistances(graph, self, 2)]
      .filter(([id, hops]) => hops === 2 && allowed(id))
      .map(([id]) => id);
    // Ties (common in small counts) are broken by id, the same for every method.
    const byScore = (score: (id: string) => number) =>
      twoHop
        .map((id) => ({ id, s: score(id) }))
        .sort((a, b) => b.s - a.s || a.id.localeCompare(b.id))
        .slice(0, RANK_DEPTH)
        .map((x) => x.id);
    const interests = container.researcherIndex.interestsOf(self);
    const topic = interests
      ? container.researcherIndex
          .topicNeighbours(
            interests.centroids.map((c) => c.vector),
            RANK_DEPTH,
            (id) => !allowed(id),
          )
          .map((t) => t.researcher)
      : [];
    const rankings: Record<string, string[]> = {
      random: [...randomPick],
      'common-neighbours': byScore((id) => commonNeighbours(graph, self, id)),
      'adamic-adar': byScore((id) => adamicAdar(graph, self, id)),
      'topic-only': topic,
      'peerscout-hybrid': (await container.services.collaborators.rankResearcher(self, base)).map(
        (r) => r.id,
      ),
      'peerscout-hybrid+mmr': (
        await container.services.collaborators.rankResearcher(self, { ...base, limit: 20, diversity: 0.3 })
      ).map((r) => r.id),
    };
    for (const method of methods)
      addQuery(totals.get(method)!, rankings[method]!, query.newCoauthors, options.ks);
    if (n % 10 === 0) bar.update(n);
  }
  bar.update(queries.length);
  bar.stop();
  return {
    results: Object.fromEntries(
      methods.map((m) => [
        m,
        Object.fromEntries(Object.entries(averages(totals.get(m)!)).map(([k, v]) => [k, roundScore(v)])),
      ]),
    ),
  };
}

/**
 * Recall@20 of a researcher's own papers from the split on, among all papers from the split on, when
 * ranking by the one recency-weighted mean vector (topic-only) and by PeerScout's related-papers scores.
 */
async function evaluateRelatedPapers(container: Container, queries: CollaborationQuery[], test: Paper[]) {
  const embedBar = progressBar('embed papers >= split', test.length);
  const vectors: Float32Array[] = [];
  for (let i = 0; i < test.length; i += 256) {
    const batch = test.slice(i, i + 256);
    vectors.push(...(await container.embedder.embed(batch.map((p) => paperText(p.title, p.abstract)))));
    embedBar.update(Math.min(test.length, i + 256));
  }
  embedBar.stop();
  // The papers from the split on get an HNSW index of their own, as the service would search them.
  const testIndex = new VectorIndex<null>(container.embedder.dimension, container.config.hnsw);
  const indexBar = progressBar('index papers >= split', test.length);
  test.forEach((paper, i) => {
    testIndex.upsert(paper.id, vectors[i]!, null);
    if (i % 500 === 0) indexBar.update(i);
  });
  indexBar.update(test.length);
  indexBar.stop();
  const nearestTestPapers = (query: Float32Array, k: number) => testIndex.search(query, k);
  const totals = { 'topic-only-centroid': 0, 'peerscout-related': 0 };
  let evaluated = 0;
  const index = container.paperIndex.index;
  const graph = container.researcherIndex.graph;
  const bar = progressBar('related-paper queries', queries.length);
  for (const [n, query] of queries.entries()) {
    if (n % 10 === 0) bar.update(n);
    const interests = container.researcherIndex.interestsOf(query.researcher);
    if (!interests || query.futurePapers.size === 0) continue;
    evaluated += 1;
    totals['topic-only-centroid'] += recallAt(
      nearestTestPapers(interests.mean, RELATED_K).map((h) => h.id),
      query.futurePapers,
      RELATED_K,
    );
    const newest = graph.papersNewestFirst(query.researcher).flatMap((id) => {
      const v = index.vectorOf(id);
      return v ? [v] : [];
    });
    const scores = relatedPaperScores(relatedQueryVectors(interests, newest), (v) =>
      nearestTestPapers(v, RELATED_K),
    );
    const ranked = [...scores].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    totals['peerscout-related'] += recallAt(ranked, query.futurePapers, RELATED_K);
  }
  bar.update(queries.length);
  bar.stop();
  return {
    queries: evaluated,
    results: Object.fromEntries(
      Object.entries(totals).map(([method, sum]) => [
        method,
        { [`recall@${RELATED_K}`]: roundScore(evaluated ? sum / evaluated : 0) },
      ]),
    ),
  };
}
