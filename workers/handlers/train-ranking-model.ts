import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { RankingModelService } from '../../src/services/ranking-model-service.ts';

/** Learns the ranking models: always when asked for, otherwise only when they are missing or stale. */
export async function trainRankingModel(
  rankingModel: RankingModelService,
  payload: ParsedJobPayload<'train-ranking-model'>,
) {
  if (payload.reason !== 'on-demand') return rankingModel.trainIfStale();
  const models = await rankingModel.train();
  return { trained: models !== null, training: models?.graph.training ?? null };
}
