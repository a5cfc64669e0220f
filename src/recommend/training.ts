import seedrandom from 'seedrandom';
import type { PaperMeta } from '../domain/paper-filters.ts';
import type { CitationGraph } from '../graph/citation-graph.ts';
import type { ResearchGraph } from '../graph/research-graph.ts';
import type { PaperMatcher } from '../vector/paper-matcher.ts';
import type { VectorIndex } from '../vector/vector-index.ts';
import type { RankingQuery } from './candidates.ts';
import { collaboratorOptions, collectCandidates } from './collaborator-ranking.ts';
import {
  ALL_FEATURES,
  type FeatureName,
  featuresForQuery,
  PAIR_FEATURES,
  pairFeaturesForQuery,
  papersToCompare,
  TOPIC_FEATURES,
} from './features.ts';
import { expandHinges, hingeKnots } from './hinge-basis.ts';
import { fitLogisticRegression } from './logistic-regression.ts';
import type { FeatureSet, RankerModel, StagedModels } from './ranker.ts';
import { HistoricalRankingData } from './ranking-data.ts';
import { seededShuffle } from './seeded-shuffle.ts';

/** Bump when features or their computation change: stored models of another version are not used. */
export const RANKER_VERSION = 'ranker-v8';
/** The newest papers that provide labels: at least this share of all papers. */
const LABEL_SHARE = 0.15;
const MIN_POSITIVES = 20;
/** Label periods the model learns from (fewer when the data's years do not hold that many). */
const TRAINING_WINDOWS = 2;
/**
 * Share of the negative pairs the models are fitted on (a seeded sample; every positive is kept). The
 * hinge basis triples the columns and the fit costs rows × columns²; the bias is corrected by
 * ln(NEGATIVE_SHARE), so scores stay the probabilities of the whole candidate set.
 */
const NEGATIVE_SHARE = 0.25;

export type TrainingOptions = {
  maxQueries: number;
  seed: string;
  /** Citations between all stored papers (the view keeps those among its own papers). */
  citations: CitationGraph;
  /** Affiliations of researchers as known at the end of a year. */
  affiliationsAsOf: (ids: string[], year: number) => Promise<Map<string, string[]>>;
  matcher: PaperMatcher;
  /**
   * Awaited between steps of a few hundred milliseconds at most (a query's features, a Newton
   * iteration, a slice of researchers): training runs in the worker beside jobs that must not wait
   * minutes for it (see ForegroundWork).
   */
  giveWay: () => Promise<void>;
};

/** Researchers handled between two calls of giveWay in the loops over every researcher. */
const RESEARCHERS_PER_STEP = 2000;

export type TrainingSplit =
  | { kind: 'time'; viewToYear: number; labelToYear: number }
  | { kind: 'holdout'; heldOut: Set<string>; year: number };

/**
 * Picks the split inside the stored data: the last years that hold at least LABEL_SHARE of the papers
 * are the label period and everything before is the graph the features see. When all papers are from
 * one year, a seeded random LABEL_SHARE of the papers is held out instead (the usual link-prediction
 * protocol without time).
 */
export function trainingSplit(papers: { id: string; meta: PaperMeta }[], seed: string): TrainingSplit | null {
  return trainingSplits(papers, seed, 1)[0] ?? null;
}

/**
 * Up to `windows` splits, newest first: the one `trainingSplit` picks, then the same rule applied to
 * the papers before its label period, and so on. Each later window sees an older graph and takes as
 * labels everything after it, so the model learns from more than one period of new collaborations.
 */
export function trainingSplits(
  papers: { id: string; meta: PaperMeta }[],
  seed: string,
  windows: number,
): TrainingSplit[] {
  const byYear = new Map<number, number>();
  for (const { meta } of papers) byYear.set(meta.year, (byYear.get(meta.year) ?? 0) + 1);
  const years = [...byYear.keys()].sort((a, b) => b - a);
  if (papers.length < 2 || years.length === 0) return [];
  if (years.length === 1) {
    const random = seedrandom(`${seed}:holdout`);
    const ids = papers.map((p) => p.id).sort();
    const heldOut = new Set(ids.filter(() => random() < LABEL_SHARE));
    return [{ kind: 'holdout', heldOut, year: years[0]! }];
  }
  const splits: TrainingSplit[] = [];
  let total = papers.length;
  let labelled = 0;
  for (let i = 0; i < years.length - 1 && splits.length < windows; i++) {
    labelled += byYear.get(years[i]!)!;
    if (labelled >= LABEL_SHARE * total) {
      splits.push({ kind: 'time', viewToYear: years[i + 1]!, labelToYear: years[0]! });
      // The next window's label period is taken from the papers this window's graph holds.
      total -= labelled;
      labelled = 0;
    }
  }
  return splits;
}

/** Co-authors a researcher gained after the view period who were already in the view. */
export function newCoauthors(researcher: string, view: ResearchGraph, full: ResearchGraph): Set<string> {
  const known = view.neighbours(researcher);
  const gained = new Set<string>();
  for (const other of full.neighbours(researcher).keys()) {
    if (!known.has(other) && view.hasResearcher(other)) gained.add(other);
  }
  return gained;
}

/** The models training learns: the full one per feature set, and the shortlist's. */
export type TrainedRankers = {
  graph: RankerModel;
  topic: RankerModel;
  shortlist: Record<FeatureSet, RankerModel>;
};

/** The two models that rank a query of the given feature set. */
export function stagedModels(models: TrainedRankers, featureSet: FeatureSet): StagedModels {
  return { shortlist: models.shortlist[featureSet], full: models[featureSet] };
}

const TRAINING_OPTIONS = collaboratorOptions({ limit: Number.MAX_SAFE_INTEGER });

/**
 * Feature rows of one split: candidates of sampled researchers, features on the graph as it was before
 * the label period, label 1 when the pair first wrote together after it. Returns the queries sampled.
 */
async function addTrainingRows(
  papers: VectorIndex<PaperMeta>,
  full: ResearchGraph,
  split: TrainingSplit,
  options: TrainingOptions,
  rows: number[][],
  labels: number[],
): Promise<number> {
  const viewYear = split.kind === 'time' ? split.viewToYear : split.year;
  const view = await HistoricalRankingData.build(
    papers,
    split.kind === 'time' ? (_id, meta) => meta.year <= split.viewToYear : (id) => !split.heldOut.has(id),
    viewYear,
    options.citations,
    options.giveWay,
  );
  const queries: { researcher: string; positives: Set<string> }[] = [];
  let visited = 0;
  for (const researcher of view.graph.researchers()) {
    if (++visited % RESEARCHERS_PER_STEP === 0) await options.giveWay();
    if (view.graph.paperCountOf(researcher) < 2) continue;
    const positives = newCoauthors(researcher, view.graph, full);
    if (positives.size > 0) queries.push({ researcher, positives });
  }
  queries.sort((a, b) => a.researcher.localeCompare(b.researcher));
  const sampled = seededShuffle(queries, options.seed).slice(0, options.maxQueries);
  for (const { researcher, positives } of sampled) {
    await options.giveWay();
    const interests = view.interestsOf(researcher);
    if (!interests) continue;
    const paperIds = view.graph.papersNewestFirst(researcher);
    const query: RankingQuery = { researcher, interests, paperIds };
    const candidates = collectCandidates(query, view, TRAINING_OPTIONS);
    const { mine, theirs } = papersToCompare(query, candidates.keys(), view);
    const [affiliations, paperMatches] = await Promise.all([
      options.affiliationsAsOf([researcher, ...candidates.keys()], viewYear),
      options.matcher.closest(mine, theirs),
    ]);
    const candidateFeatures = featuresForQuery(query, view, viewYear);
    const withPairFeatures = pairFeaturesForQuery(view, {
      paperMatches,
      affiliations: (id: string) => affiliations.get(id) ?? [],
      queryAffiliations: affiliations.get(researcher) ?? [],
    });
    for (const candidate of candidates.values()) {
      const base = candidateFeatures(candidate);
      if (!base) continue;
      const scored = withPairFeatures(candidate.id, base);
      rows.push(ALL_FEATURES.map((name) => scored.features[name]));
      labels.push(positives.has(candidate.id) ? 1 : 0);
    }
  }
  return sampled.length;
}

/**
 * Learns the score blend from the stored data alone: features are computed on the graph as it was
 * before the label period, and a pair is positive when the two first wrote together in it. Two models
 * come out: one over all features, one over topic features only (for visitors and newcomers), and for
 * each a shortlist model without the PAIR_FEATURES (see `rankCollaborators`), fitted on the same rows.
 * Returns null when the data has too little history to learn from.
 */
export async function trainRankers(
  papers: VectorIndex<PaperMeta>,
  full: ResearchGraph,
  options: TrainingOptions,
): Promise<TrainedRankers | null> {
  const splits = trainingSplits([...papers.entries()], options.seed, TRAINING_WINDOWS);
  if (splits.length === 0) return null;
  const rows: number[][] = [];
  const labels: number[] = [];
  let sampledQueries = 0;
  // The queries are shared out over the windows, the newest first when they do not divide evenly.
  for (const [w, split] of splits.entries()) {
    const maxQueries = Math.ceil((options.maxQueries - sampledQueries) / (splits.length - w));
    const seed = w === 0 ? options.seed : `${options.seed}:window-${w}`;
    sampledQueries += await addTrainingRows(
      papers,
      full,
      split,
      { ...options, maxQueries, seed },
      rows,
      labels,
    );
  }
  const split = splits[0]!;
  const viewYear = split.kind === 'time' ? split.viewToYear : split.year;
  const positives = labels.filter((l) => l === 1).length;
  if (positives < MIN_POSITIVES) return null;

  const random = seedrandom(`${options.seed}:negatives`);
  const kept = labels.flatMap((label, i) => (label === 1 || random() < NEGATIVE_SHARE ? [i] : []));
  const training = {
    queries: sampledQueries,
    windows: splits.length,
    positives,
    negatives: labels.length - positives,
    negativeShare: NEGATIVE_SHARE,
    split: split.kind,
    viewToYear: viewYear,
    labelToYear: split.kind === 'time' ? split.labelToYear : split.year,
  };
  const fitModel = async (names: readonly FeatureName[], featureSet: FeatureSet): Promise<RankerModel> => {
    const columns = names.map((name) => ALL_FEATURES.indexOf(name));
    const featureRows = kept.map((i) => columns.map((c) => rows[i]![c]!));
    const knots = hingeKnots(featureRows, names.length);
    const model = await fitLogisticRegression(
      featureRows.map((row) => expandHinges(knots, row)),
      kept.map((i) => labels[i]!),
      { giveWay: options.giveWay },
    );
    return {
      version: RANKER_VERSION,
      featureSet,
      features: [...names],
      knots,
      model: { ...model, bias: model.bias + Math.log(NEGATIVE_SHARE) },
      trainedAt: new Date().toISOString(),
      training,
    };
  };
  const withoutPairs = (names: readonly FeatureName[]) =>
    names.filter((name) => !(PAIR_FEATURES as readonly FeatureName[]).includes(name));
  return {
    graph: await fitModel(ALL_FEATURES, 'graph'),
    topic: await fitModel(TOPIC_FEATURES, 'topic'),
    shortlist: {
      graph: await fitModel(withoutPairs(ALL_FEATURES), 'graph'),
      topic: await fitModel(withoutPairs(TOPIC_FEATURES), 'topic'),
    },
  };
}
