import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { createLogger } from '../../src/logger.ts';
import { cleanUp, testEnvironment } from './test-env.ts';

/** Authors of the papers, most papers first (ties by id): the people digests are tried on. */
export function researchersByPaperCount(papers: Paper[]): string[] {
  const counts = new Map<string, number>();
  for (const p of papers) for (const a of p.authors) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
}

/** Workers that take one job at a time, notice a dead peer within seconds, and run no schedule of their own. */
export const WORKER_SETTINGS = {
  INVITATIONS_PER_DIGEST: '3',
  WORKER_CONCURRENCY: '1',
  WORKER_LOCK_DURATION_MS: '2000',
  INVITATION_CRON: '0 0 1 1 *',
  REFRESH_DEBOUNCE_MS: '600000',
};

/**
 * A store of its own holding the papers and ranking models learned from them, where the given
 * researchers have claimed their records and are open to collaborate. Registers its clean-up.
 */
export async function prepareClaimedStore(
  name: string,
  papers: Paper[],
  claimed: string[],
  cleanups: (() => Promise<unknown>)[],
  extra: Record<string, string> = {},
) {
  const env = testEnvironment(name, { ...WORKER_SETTINGS, ...extra });
  const config = loadConfig(env);
  const container = createContainer(config, createLogger('warn'));
  cleanups.push(() => cleanUp(config));
  cleanups.push(() => container.close());
  await container.services.papers.store(papers);
  // The ranking models are learned up front: a worker would otherwise learn them at start, in the
  // middle of a run, and a ranking that changes mid-run makes "a re-run writes nothing" untrue.
  await container.paperIndex.catchUp();
  await container.services.rankingModel.train();
  for (const id of claimed) {
    await container.repositories.researchers.claim(id, `account-${id}`);
    await container.repositories.researchers.updateProfile(id, { openToCollaborate: true });
  }
  return { env, config, container };
}
