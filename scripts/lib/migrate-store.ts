import type { Config } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import type { Logger } from '../../src/logger.ts';
import { hasLegacyLayout, migrateLegacyLayout } from '../../src/storage/legacy-layout.ts';

/**
 * Moves a store written by an earlier version to the current key layout (see legacy-layout.ts);
 * does nothing to a current one. Run it with no API or worker running on the store.
 */
export async function migrateStore(config: Config, logger: Logger): Promise<boolean> {
  const container = createContainer(config, logger);
  try {
    const { redis, keys, repositories } = container;
    if (!(await hasLegacyLayout(redis, keys))) return false;
    logger.info({ prefix: config.keyPrefix }, 'moving the store to the current key layout');
    const moved = await migrateLegacyLayout(redis, keys, repositories.papers, (what, count) =>
      logger.info({ [what]: count }, 'migrating'),
    );
    logger.info(moved, 'store migrated');
    return true;
  } finally {
    await container.close();
  }
}
