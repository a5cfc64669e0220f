import type { FeatureName, Features } from './features.ts';
import { expandHinges, partsPerFeature } from './hinge-basis.ts';
import { type LogisticModel, logOdds, sigmoid } from './logistic-regression.ts';

export type FeatureSet = 'graph' | 'topic';

/** A learned blend of features, stored with the version of the data and code it was trained on. */
export type RankerModel = {
  version: string;
  featureSet: FeatureSet;
  features: FeatureName[];
  /** Hinge knots per feature (see hinge-basis.ts); the model's inputs are the features expanded on them. */
  knots: number[][];
  model: LogisticModel;
  trainedAt: string;
  training: {
    queries: number;
    /** Label periods learned from (absent in models stored before there were several). */
    windows?: number;
    positives: number;
    negatives: number;
    /** Share of the negatives the model was fitted on (its bias is corrected for the rest). */
    negativeShare: number;
    /** 'time': papers up to viewToYear were the graph, pairs after it the labels; 'holdout': a random share of one year's papers. */
    split: 'time' | 'holdout';
    viewToYear: number;
    labelToYear: number;
  };
};

/**
 * The two models of one feature set: the shortlist's, without the PAIR_FEATURES, picks whom the full
 * one scores (see `rankCollaborators`).
 */
export type StagedModels = { shortlist: RankerModel; full: RankerModel };

export type Ranked = { id: string; score: number; parts: Partial<Record<string, number>> };

/**
 * Scores candidates in [0, 1] with the trained model for their feature set: the model's probability
 * that the pair collaborates (the logistic of the log-odds), with each feature's share of the log-odds
 * (its value and its hinges together) as its part. Without a model (a store too small or too new
 * to learn from) it falls back to the strongest classic signals in order, with no weights at all:
 * Adamic–Adar, then random-walk proximity, then topic similarity; for visitors, topic alone.
 */
export function scoreCandidates(
  rows: { id: string; features: Features }[],
  model: RankerModel | null,
  featureSet: FeatureSet,
): Ranked[] {
  if (model && model.featureSet === featureSet) {
    return rows.map(({ id, features }) => {
      const { total, parts } = modelLogOdds(model, features);
      const featureParts = partsPerFeature(model.knots, parts);
      return {
        id,
        score: sigmoid(total),
        parts: Object.fromEntries(model.features.map((name, i) => [name, featureParts[i]!])),
      };
    });
  }
  const keys = classicKeys(featureSet);
  const scores = classicScores(rows, keys);
  return rows.map(({ id, features }, i) => ({
    id,
    score: scores[i]!,
    parts: Object.fromEntries(keys.map((key) => [key, features[key]])),
  }));
}

/**
 * The scores of scoreCandidates without the parts, for a stage that only orders the candidates (the
 * shortlist): building each candidate's parts cost more than its score.
 */
export function candidateScores(
  rows: { id: string; features: Features }[],
  model: RankerModel | null,
  featureSet: FeatureSet,
): number[] {
  if (model && model.featureSet === featureSet)
    return rows.map(({ features }) => sigmoid(modelLogOdds(model, features).total));
  return classicScores(rows, classicKeys(featureSet));
}

function modelLogOdds(model: RankerModel, features: Features) {
  return logOdds(
    model.model,
    expandHinges(
      model.knots,
      model.features.map((name) => features[name]),
    ),
  );
}

function classicKeys(featureSet: FeatureSet): FeatureName[] {
  return featureSet === 'graph'
    ? ['adamicAdar', 'randomWalk', 'topicSimilarity', 'closestPaperSimilarity']
    : ['topicSimilarity', 'closestPaperSimilarity'];
}

/** Scores by position in the classic order of `keys` (ties by id). */
function classicScores(rows: { id: string; features: Features }[], keys: FeatureName[]): number[] {
  const order = [...rows].sort((a, b) => {
    for (const key of keys) if (a.features[key] !== b.features[key]) return b.features[key] - a.features[key];
    return a.id.localeCompare(b.id);
  });
  const position = new Map(order.map((row, i) => [row.id, i]));
  return rows.map(({ id }) => 1 - position.get(id)! / Math.max(1, rows.length));
}

/** Position of each value among all values, scaled to [0, 1] (ties share the lower position). */
export function percentiles(values: number[]): number[] {
  if (values.length <= 1) return values.map(() => 1);
  const sorted = [...values].sort((a, b) => a - b);
  const firstPosition = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!firstPosition.has(v)) firstPosition.set(v, i);
  });
  return values.map((v) => firstPosition.get(v)! / (values.length - 1));
}

/**
 * Picks, one at a time, the item with the best `value` given its redundancy (its largest similarity to
 * the items already picked; 0 for the first pick): the greedy selection of maximal marginal relevance
 * and of the collaborators' diversity (see `diversify`).
 */
export function pickGreedily<T>(
  items: T[],
  value: (item: T, redundancy: number) => number,
  similarity: (a: T, b: T) => number,
  limit: number,
): T[] {
  const remaining = [...items];
  const chosen: T[] = [];
  const closest = new Map<T, number>(items.map((item) => [item, Number.NEGATIVE_INFINITY]));
  while (chosen.length < limit && remaining.length > 0) {
    let bestIndex = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    remaining.forEach((item, i) => {
      const itemValue = value(item, chosen.length === 0 ? 0 : closest.get(item)!);
      if (itemValue > bestValue) {
        bestValue = itemValue;
        bestIndex = i;
      }
    });
    const [picked] = remaining.splice(bestIndex, 1);
    chosen.push(picked!);
    for (const item of remaining) closest.set(item, Math.max(closest.get(item)!, similarity(item, picked!)));
  }
  return chosen;
}

/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998): picks, one at a time, the candidate with the
 * best relevance minus similarity to those already picked. `diversity` 0 keeps the relevance order; 1
 * maximises spread.
 */
export function maximalMarginalRelevance<T>(
  items: T[],
  relevance: (item: T) => number,
  similarity: (a: T, b: T) => number,
  limit: number,
  diversity: number,
): T[] {
  return pickGreedily(
    items,
    (item, redundancy) => (1 - diversity) * relevance(item) - diversity * redundancy,
    similarity,
    limit,
  );
}
