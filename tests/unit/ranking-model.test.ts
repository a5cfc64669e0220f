import { describe, expect, it } from 'vitest';
import { LIST_VERSION } from '../../src/recommend/collaborator-ranking.ts';
import { RANKER_VERSION, trainingSplit, trainingSplits } from '../../src/recommend/training.ts';
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

  it('names the ranking in use: the models’ identity or the classic order, and how lists are made', () => {
    // Both carry the code's versions: lists cached by older code are not served.
    expect(modelVersionOf(null)).toBe(`classic-order@${RANKER_VERSION}+${LIST_VERSION}`);
    expect(modelVersionOf(modelsTrainedOn(3))).toBe(`ranker-v2@2026-01-01T00:00:00.000Z+${LIST_VERSION}`);
  });
});

describe('the label periods the ranking learns from', () => {
  const papersByYear = (counts: Record<number, number>) =>
    Object.entries(counts).flatMap(([year, n]) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${year}-${i}`,
        meta: { year: Number(year), venue: '', authorIds: [] },
      })),
    );

  it('takes the newest years holding 15% of the papers as labels, then the same rule again before them', () => {
    const papers = papersByYear({ 2016: 20, 2017: 20, 2018: 20, 2019: 10, 2020: 10, 2021: 20 });
    expect(trainingSplits(papers, 's', 2)).toEqual([
      { kind: 'time', viewToYear: 2020, labelToYear: 2021 },
      // 80 papers up to 2020: 2020 alone (10) is under 15% of them, 2020 with 2019 (20) is not.
      { kind: 'time', viewToYear: 2018, labelToYear: 2021 },
    ]);
    expect(trainingSplits(papers, 's', 1)).toEqual([trainingSplit(papers, 's')]);
  });

  it('gives fewer windows when the years run out', () => {
    const papers = papersByYear({ 2020: 50, 2021: 50 });
    expect(trainingSplits(papers, 's', 2)).toEqual([{ kind: 'time', viewToYear: 2020, labelToYear: 2021 }]);
  });
});
