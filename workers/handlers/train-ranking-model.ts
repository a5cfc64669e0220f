import type { Container } from '../../src/container.ts';

/** Learns the ranking weights again from the stored data. */
export async function trainRankingModel(container: Container) {
  const models = await container.services.collaborators.train();
  return { trained: models !== null, training: models?.graph.training ?? null };
}
