import type { ParsedJobPayload } from '../jobs/definitions.ts';
import { type JobQueues, publicJobId } from '../jobs/queues.ts';

const TRAINING_DEDUPLICATION = { id: 'train-ranking-model' };

/**
 * Asks the worker to learn the ranking models. Requests made while one waits or runs fold into it;
 * returns the job's id as the API shows it.
 */
export async function requestTraining(
  queues: JobQueues,
  reason: ParsedJobPayload<'train-ranking-model'>['reason'],
): Promise<string> {
  const job = await queues.add('train-ranking-model', { reason }, { deduplication: TRAINING_DEDUPLICATION });
  return publicJobId(job);
}
