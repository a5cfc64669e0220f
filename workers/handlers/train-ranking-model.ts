import type { Container } from '../../src/container.ts';
import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';

/** Learns the ranking models: always when asked for, otherwise only when they are missing or stale. */
export async function trainRankingModel(
  container: Container,
  payload: ParsedJobPayload<'train-ranking-model'>,
) {
  const rankingModel = container.services.rankingModel;
  if (payload.reason !== 'on-demand') return rankingModel.trainIfStale();
  const models = await rankingModel.train();
  return { trained: models !== null, training: models?.graph.training ?? null };
}
