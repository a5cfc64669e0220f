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
import { CitationGraph } from '../graph/citation-graph.ts';
import { adamicAdar, coauthorGroupSimilarity, commonNeighbours, hopDistances } from '../graph/proximity.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import { readPaperFile } from '../importing/paper-file.ts';
import type { Logger } from '../logger.ts';
import { collaboratorOptions, DEFAULT_DIVERSITY, diversify } from '../recommend/collaborator-ranking.ts';
import { groupByFeature } from '../recommend/hinge-basis.ts';
import { isGenericWord, papersPhrases } from '../recommend/key-phrases.ts';
import type { RankerModel } from '../recommend/ranker.ts';
import {
  blendTermOverlap,
  blendVenueAffinity,
  RELATED_HITS_PER_QUERY,
  relatedPaperScores,
  relatedQueryVectors,
  venueShares,
} from '../recommend/related-papers.ts';
import { seededShuffle } from '../recommend/seeded-shuffle.ts';
import { cosineOfUnitVectors } from '../vector/interests.ts';
import { VectorIndex } from '../vector/vector-index.ts';
import { type ExposureQuery, exposureFigures } from './exposure.ts';
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
/** Query authors whose profile topics are ranked and measured. */
const TOPIC_QUERIES = 300;
/** Newcomers (one paper before the split) measured at most. */
const MAX_NEWCOMERS = 2000;
/** The list users get: the API's default settings. */
const DEFAULT_METHOD = 'peerscout-default';
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
  // Embedding every paper is most of a first run: the pool of EMBEDDING_THREADS threads, as the import
  // has, instead of one session on this thread (1.8× the papers a second on 2 cores).
  const container = createContainer(config, logger, { embeddingPool: true });
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
    // Newcomers: one paper before the split (the cold-start path), sampled like the main queries.
    const newcomers = seededShuffle(
      collaborationQueries(train, test, 1).filter(
        (q) => container.researcherIndex.graph.paperCountOf(q.researcher) === 1,
      ),
      options.seed,
    ).slice(0, Math.min(options.maxQueries ?? MAX_NEWCOMERS, MAX_NEWCOMERS));
    started = Date.now();
    const collaborators = await evaluateCollaborators(container, queries, newcomers, options);
    clock('collaboratorRankings', started);

    started = Date.now();
    const citations = await evaluateCitationEffect(
      container,
      queries,
      train,
      collaborators.results[DEFAULT_METHOD]?.['recall@10'] ?? 0,
    );
    clock('citations', started);

    started = Date.now();
    const related = await evaluateRelatedPapers(container, queries, test);
    clock('relatedPapers', started);

    started = Date.now();
    const topics = await evaluateTopics(container, queries.slice(0, TOPIC_QUERIES));
    clock('topics', started);

    const recall10 = (method: string) => collaborators.results[method]?.['recall@10'] ?? 0;
    const bestBaseline = recall10('adamic-adar') >= recall10('topic-only') ? 'adamic-adar' : 'topic-only';
    const overBaseline = (method: string) =>
      roundScore(recall10(method) / Math.max(1e-9, recall10(bestBaseline)));
    return {
      data: {
        file: options.data,
        trainPapers: train.length,
        testPapers: test.length,
        rejectedLines,
        trainResearchers: container.researcherIndex.graph.researcherCount,
      },
      splitYear: options.splitYear,
      queries: {
        eligible: eligible.length,
        evaluated: queries.length,
        newcomers: newcomers.length,
        relatedPapers: related.queries,
      },
      collaborators: collaborators.results,
      diversity: collaborators.diversity,
      exposure: collaborators.exposure,
      candidateRecall: collaborators.candidateRecall,
      segments: { ...collaborators.segments, newcomers: collaborators.newcomers },
      rankingMs: collaborators.rankingMs,
      relatedPapers: related.results,
      citations,
      topics,
      ratios: {
        bestBaseline,
        defaultRecall10OverBestBaseline: overBaseline(DEFAULT_METHOD),
        hybridRecall10OverBestBaseline: overBaseline('peerscout-hybrid'),
      },
      model: models
        ? {
            graph: models.graph.training,
            curveWeights: curveWeights(models.graph),
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

/** Each feature's weights in the hinge basis: on the value, then on its excess over each knot. */
function curveWeights(model: RankerModel): Record<string, { knots: number[]; weights: number[] }> {
  const weights = groupByFeature(model.knots, model.model.weights);
  return Object.fromEntries(
    model.features.map((feature, j) => [
      feature,
      { knots: model.knots[j]!.map(roundScore), weights: weights[j]!.map(roundScore) },
    ]),
  );
}

/**
 * What the citation graph adds to the list users get: the default list's Recall@10 with the stored
 * citations (as the collaborator evaluation measured it) and with none (candidates and features both
 * lose them; the learned weights stay), on the same queries. Data without references says so instead.
 */
async function evaluateCitationEffect(
  container: Container,
  queries: CollaborationQuery[],
  train: Paper[],
  withCitations: number,
): Promise<EvaluationReport['citations']> {
  const papersWithReferences = train.filter((paper) => paper.references?.length).length;
  const citationEdges = container.citationIndex.graph.edgeCount;
  if (citationEdges === 0) return { papersWithReferences, citationEdges, note: 'no references in this data' };
  const graph = container.researcherIndex.graph;
  const stored = container.citationIndex.graph;
  container.citationIndex.graph = new CitationGraph();
  try {
    let sum = 0;
    for (const query of queries) {
      const ranked = await container.collaboratorRanking.rankResearcher(
        query.researcher,
        collaboratorOptions({ limit: RANK_DEPTH }),
      );
      const list = diversify(ranked, graph, 10, DEFAULT_DIVERSITY).map((r) => r.id);
      sum += recallAt(list, query.newCoauthors, 10);
    }
    return {
      papersWithReferences,
      citationEdges,
      note: 'default list, Recall@10, with and without the stored citations',
      defaultRecall10: withCitations,
      defaultRecall10WithoutCitations: roundScore(sum / Math.max(1, queries.length)),
    };
  } finally {
    container.citationIndex.graph = stored;
  }
}

/** The diversity settings whose lists the harness measures side by side. */
const DIVERSITY_SETTINGS = [0, 0.1, 0.2, 0.3, 0.5, 1];

/**
 * Groups among a list's first ten: people joined when they wrote together or share a co-author
 * (connected components), so ten members of one lab count as one group.
 */
function coauthorGroups(graph: ResearchGraph, ids: string[]): number {
  const group = ids.map((_, i) => i);
  const linked = ids.map((a, i) => ids.map((b, j) => i !== j && coauthorGroupSimilarity(graph, a, b) > 0));
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < ids.length; i++)
      for (let j = 0; j < ids.length; j++)
        if (linked[i]![j] && group[j]! < group[i]!) {
          group[i] = group[j]!;
          changed = true;
        }
  }
  return new Set(group).size;
}

type Segment = 'twoHops' | 'threeOrMoreHops';

/**
 * Exposure caps compared with the plain default lists: how often one person may fill a top-10 slot
 * across all query authors' lists (5 is the digest's default MAX_INVITATIONS_PER_CANDIDATE).
 */
const EXPOSURE_CAPS = [null, 50, 20, 10, 5];

/** The 1% of researchers with the most papers before the split (ties by id). */
function mostProductive(graph: ResearchGraph): Set<string> {
  const researchers = [...graph.researchers()];
  const byPapers = researchers
    .map((id) => ({ id, papers: graph.paperCountOf(id) }))
    .sort((a, b) => b.papers - a.papers || a.id.localeCompare(b.id));
  return new Set(byPapers.slice(0, Math.ceil(researchers.length / 100)).map((r) => r.id));
}

/**
 * Ranks every query author's candidates with each method and scores the lists against the co-authors
 * they gained after the split. PeerScout's ranking is computed once per query (every candidate, in
 * score order) and diversified for each setting of DIVERSITY_SETTINGS with the service's own function.
 */
async function evaluateCollaborators(
  container: Container,
  queries: CollaborationQuery[],
  newcomers: CollaborationQuery[],
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
    DEFAULT_METHOD,
  ];
  const totals = new Map<string, MetricTotals>(methods.map((m) => [m, emptyTotals()]));
  const diversityTotals = DIVERSITY_SETTINGS.map(() => ({
    metrics: emptyTotals(),
    groups: 0,
    withinTwoHops: 0,
    topicSpread: 0,
  }));
  const segmentMethods = ['adamic-adar', 'topic-only', DEFAULT_METHOD];
  const segments = new Map<string, MetricTotals>(
    (['twoHops', 'threeOrMoreHops'] as Segment[]).flatMap((segment) =>
      segmentMethods.map((m) => [`${segment}:${m}`, emptyTotals()] as const),
    ),
  );
  const newcomerTotals = new Map<string, MetricTotals>(segmentMethods.map((m) => [m, emptyTotals()]));
  const candidateRecall = { found: 0, total: 0, candidates: 0 };
  const random = seedrandom(`${options.seed}:random`);
  // As deep as the diversity pool: the list every diversity setting is made from.
  const deepList = collaboratorOptions({ limit: RANK_DEPTH });
  const rankingMs: number[] = [];
  const exposureQueries: ExposureQuery[] = [];

  const rank = async (self: string) => {
    const known = graph.neighbours(self);
    const allowed = (id: string) => id !== self && !known.has(id);
    const hops = hopDistances(graph, self, 2);
    const twoHop = [...hops].filter(([id, h]) => h === 2 && allowed(id)).map(([id]) => id);
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
    const started = performance.now();
    const ranked = await container.collaboratorRanking.rankResearcher(self, deepList);
    rankingMs.push(performance.now() - started);
    return { allowed, hops, byScore, topic, ranked };
  };

  const bar = progressBar('collaborator queries', queries.length + newcomers.length);
  for (const [n, query] of queries.entries()) {
    const self = query.researcher;
    const { allowed, hops, byScore, topic, ranked } = await rank(self);
    const randomPick = new Set<string>();
    for (let tries = 0; randomPick.size < RANK_DEPTH && tries < RANK_DEPTH * 20; tries++) {
      const id = researchers[Math.floor(random() * researchers.length)]!;
      if (allowed(id)) randomPick.add(id);
    }
    const diversified = DIVERSITY_SETTINGS.map((d) => diversify(ranked, graph, RANK_DEPTH, d));
    const lists = diversified.map((list) => list.map((r) => r.id));
    exposureQueries.push({
      researcher: self,
      ranked: diversified[DIVERSITY_SETTINGS.indexOf(DEFAULT_DIVERSITY)]!,
      relevant: query.newCoauthors,
    });
    const rankings: Record<string, string[]> = {
      random: [...randomPick],
      'common-neighbours': byScore((id) => commonNeighbours(graph, self, id)),
      'adamic-adar': byScore((id) => adamicAdar(graph, self, id)),
      'topic-only': topic,
      'peerscout-hybrid': lists[DIVERSITY_SETTINGS.indexOf(0)]!,
      [DEFAULT_METHOD]: lists[DIVERSITY_SETTINGS.indexOf(DEFAULT_DIVERSITY)]!,
    };
    for (const method of methods)
      addQuery(totals.get(method)!, rankings[method]!, query.newCoauthors, options.ks);

    const candidates = await container.collaboratorRanking.candidatesFor(self, deepList);
    candidateRecall.candidates += candidates.size;
    for (const id of query.newCoauthors) {
      candidateRecall.total += 1;
      if (candidates.has(id)) candidateRecall.found += 1;
    }
    lists.forEach((list, i) => {
      const top = list.slice(0, 10);
      const t = diversityTotals[i]!;
      addQuery(t.metrics, list, query.newCoauthors, [10]);
      t.groups += coauthorGroups(graph, top);
      t.withinTwoHops += top.filter((id) => hops.has(id)).length / Math.max(1, top.length);
      t.topicSpread += topicSpread(container, top);
    });
    for (const segment of ['twoHops', 'threeOrMoreHops'] as Segment[]) {
      const relevant = new Set(
        [...query.newCoauthors].filter((id) => (hops.get(id) === 2) === (segment === 'twoHops')),
      );
      if (relevant.size === 0) continue;
      for (const m of segmentMethods)
        addQuery(segments.get(`${segment}:${m}`)!, rankings[m]!, relevant, [10]);
    }
    if (n % 10 === 0) bar.update(n);
  }
  for (const [n, query] of newcomers.entries()) {
    const { byScore, topic, ranked } = await rank(query.researcher);
    const rankings: Record<string, string[]> = {
      'adamic-adar': byScore((id) => adamicAdar(graph, query.researcher, id)),
      'topic-only': topic,
      [DEFAULT_METHOD]: diversify(ranked, graph, RANK_DEPTH, DEFAULT_DIVERSITY).map((r) => r.id),
    };
    for (const m of segmentMethods) addQuery(newcomerTotals.get(m)!, rankings[m]!, query.newCoauthors, [10]);
    if (n % 10 === 0) bar.update(queries.length + n);
  }
  bar.update(queries.length + newcomers.length);
  bar.stop();
  const rounded = (totals: MetricTotals) =>
    Object.fromEntries(Object.entries(averages(totals)).map(([k, v]) => [k, roundScore(v)]));
  const perQuery = (sum: number) => roundScore(sum / Math.max(1, queries.length));
  rankingMs.sort((a, b) => a - b);
  return {
    results: Object.fromEntries(methods.map((m) => [m, rounded(totals.get(m)!)])),
    diversity: DIVERSITY_SETTINGS.map((d, i) => {
      const t = diversityTotals[i]!;
      return {
        diversity: d,
        ...rounded(t.metrics),
        coauthorGroupsInTop10: perQuery(t.groups),
        withinTwoHopsShare: perQuery(t.withinTwoHops),
        topicSpread: perQuery(t.topicSpread),
      };
    }),
    candidateRecall: {
      share: roundScore(candidateRecall.found / Math.max(1, candidateRecall.total)),
      meanCandidates: Math.round(candidateRecall.candidates / Math.max(1, queries.length)),
    },
    segments: Object.fromEntries(
      (['twoHops', 'threeOrMoreHops'] as Segment[]).map((segment) => [
        segment,
        {
          queries: segments.get(`${segment}:${DEFAULT_METHOD}`)!.queries,
          ...Object.fromEntries(
            segmentMethods.map((m) => [m, rounded(segments.get(`${segment}:${m}`)!)['recall@10'] ?? 0]),
          ),
        },
      ]),
    ),
    newcomers: {
      queries: newcomers.length,
      ...Object.fromEntries(
        segmentMethods.map((m) => [m, rounded(newcomerTotals.get(m)!)['recall@10'] ?? 0]),
      ),
    },
    exposure: exposureFigures(exposureQueries, mostProductive(graph), EXPOSURE_CAPS).map((row) => ({
      ...row,
      'recall@10': roundScore(row['recall@10']),
      coverage: roundScore(row.coverage),
      gini: roundScore(row.gini),
      topProductiveShare: roundScore(row.topProductiveShare),
    })),
    rankingMs: {
      p50: Math.round(rankingMs[Math.floor(rankingMs.length * 0.5)] ?? 0),
      p99: Math.round(rankingMs[Math.floor(rankingMs.length * 0.99)] ?? 0),
    },
  };
}

/** Mean topic distance (1 − cosine of interest means) between the pairs of a list: how varied its subjects are. */
function topicSpread(container: Container, ids: string[]): number {
  const vectors = ids.flatMap((id) => {
    const interests = container.researcherIndex.interestsOf(id);
    return interests ? [interests.mean] : [];
  });
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < vectors.length; i++)
    for (let j = i + 1; j < vectors.length; j++) {
      sum += 1 - cosineOfUnitVectors(vectors[i]!, vectors[j]!);
      pairs += 1;
    }
  return pairs ? sum / pairs : 0;
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
  const testIndex = new VectorIndex<{ venue: string }>(container.embedder.dimension, container.config.hnsw);
  const indexBar = progressBar('index papers >= split', test.length);
  test.forEach((paper, i) => {
    testIndex.upsert(paper.id, vectors[i]!, { venue: paper.venue });
    if (i % 500 === 0) indexBar.update(i);
  });
  indexBar.update(test.length);
  indexBar.stop();
  const nearestTestPapers = (query: Float32Array, k: number) => testIndex.search(query, k);
  // The key phrases each paper would have been stored with (the service reads them from Redis).
  const phrases = await papersPhrases(test);
  const termsOfTestPaper = new Map(test.map((paper, i) => [paper.id, phrases[i]!]));
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
      const vector = index.vectorOf(id);
      const meta = index.metaOf(id);
      return vector && meta ? [{ vector, year: meta.year }] : [];
    });
    const relatedQueries = relatedQueryVectors(interests, newest);
    const withVenues = blendVenueAffinity(
      relatedPaperScores(relatedQueries, (v) =>
        nearestTestPapers(v, Math.max(RELATED_K, RELATED_HITS_PER_QUERY)),
      ),
      (id) => testIndex.metaOf(id)?.venue,
      venueShares(graph.papersOf(query.researcher).flatMap((id) => graph.paper(id) ?? [])),
    );
    const scores = blendTermOverlap(
      withVenues,
      (id) => termsOfTestPaper.get(id),
      await container.services.neighbourhood.termProfileOf(graph.papersNewestFirst(query.researcher)),
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

/**
 * Profile topics as the worker ranks them, for a sample of query authors: with titles standing in for
 * author-chosen words, the share of the top five that occur in the researcher's own titles, and the
 * share of topics that are a single generic word (see isGenericWord), with examples.
 */
async function evaluateTopics(container: Container, queries: CollaborationQuery[]) {
  const graph = container.researcherIndex.graph;
  let inTitles = 0;
  let shown = 0;
  let generic = 0;
  let researchers = 0;
  const examples: Record<string, string[]> = {};
  for (const query of queries) {
    const ranked = await container.services.profileTopics.refresh(query.researcher);
    if (!ranked || ranked.phrases.length === 0) continue;
    researchers += 1;
    const top = ranked.phrases.slice(0, 5);
    const papers = await container.repositories.papers.getMany(graph.papersOf(query.researcher));
    const titles = papers.map((p) => p?.title.toLowerCase() ?? '');
    for (const topic of top) {
      shown += 1;
      if (titles.some((t) => t.includes(topic.toLowerCase()))) inTitles += 1;
      if (isGenericWord(topic)) generic += 1;
    }
    if (Object.keys(examples).length < 5) examples[query.researcher] = top;
  }
  return {
    researchers,
    top5InOwnTitlesShare: roundScore(inTitles / Math.max(1, shown)),
    singleGenericWordShare: roundScore(generic / Math.max(1, shown)),
    examples,
  };
}
