import { workerData } from 'node:worker_threads';
import type { Config } from '../config.ts';
import { createContainer } from '../container.ts';
import { createLogger } from '../logger.ts';
import { lowerThreadPriority } from '../thread-priority.ts';
import { type IndexReply, type IndexTask, sendError } from './index-protocol.ts';

/**
 * The API's index thread: holds the paper and researcher indexes and runs everything that reads
 * them, so that ranking and index upkeep never run on the event loop that serves requests.
 */
lowerThreadPriority('besideRequests');
const config = workerData.config as Config;
const container = createContainer(config, createLogger(config.logLevel, 'peerscout-index'), {
  servesRequests: true,
});
const targets = {
  collaborators: container.collaboratorRanking,
  neighbourhood: container.services.neighbourhood,
  papers: container.paperSearch,
} as unknown as Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
let opened: ReturnType<typeof container.start> | null = null;

async function run(task: IndexTask): Promise<unknown> {
  if (task.kind === 'open') {
    opened ??= container.start(task.options);
    return opened;
  }
  if (!opened) throw new Error('the index thread is not open');
  await opened;
  if (task.kind === 'close') return container.close();
  const method = targets[task.target]?.[task.method];
  if (typeof method !== 'function') throw new Error(`no method ${task.target}.${task.method}`);
  return method.apply(targets[task.target], task.args);
}

export default async function handle(task: IndexTask): Promise<IndexReply> {
  try {
    return { ok: true, value: await run(task) };
  } catch (error) {
    return { ok: false, error: sendError(error) };
  }
}
