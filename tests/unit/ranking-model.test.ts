import { describe, expect, it } from 'vitest';
import { RANKER_VERSION } from '../../src/recommend/training.ts';
import {
  modelVersionOf,
  needsTraining,
  type RankerModels,
} from '../../src/services/ranking-model-service.ts';

const modelsTrainedOn = (storedPapers: number | undefined) =>
  ({ graph: { version: 'ranker-v2', trainedAt: '2026-01-01T00:00:00.000Z' }, storedPapers }) as RankerModels;

describe('when the ranking models are learned again', () => {
  it('when there are none and the store has papers, then they are learned; an empty store waits', () => {
    expect(needsTraining(null, 14, 0.2)).toBe(true);
    expect(needsTraining(null, 0, 0.2)).toBe(false);
  });

  it('when the store grew by the threshold since training, then they are learned again, not before', () => {
    expect(needsTraining(modelsTrainedOn(14), 16, 0.2)).toBe(false);
    expect(needsTraining(modelsTrainedOn(14), 17, 0.2)).toBe(true);
    // Seeds first, then a real import: the seed-time model is replaced.
    expect(needsTraining(modelsTrainedOn(14), 58_459, 0.2)).toBe(true);
    expect(needsTraining(modelsTrainedOn(58_459), 60_000, 0.2)).toBe(false);
  });

  it('when a model was saved before the paper count was kept, then any store counts as grown', () => {
    expect(needsTraining(modelsTrainedOn(undefined), 5, 0.2)).toBe(true);
  });

  it('names the ranking in use: the models’ identity or the classic order', () => {
    // The classic order carries the ranking code's version: lists cached by older code are not served.
    expect(modelVersionOf(null)).toBe(`classic-order@${RANKER_VERSION}`);
    expect(modelVersionOf(modelsTrainedOn(3))).toBe('ranker-v2@2026-01-01T00:00:00.000Z');
  });
});
