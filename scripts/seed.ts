import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { seedStore } from '../src/importing/seed-loader.ts';
import { createLogger } from '../src/logger.ts';

/** Loads seeds/ into the configured store when it has no papers yet and SEED_ON_START is true. */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-seed');
if (config.seedOnStart) {
  await ensureModel(config.model.dir, config.model.name);
  await seedStore(config, logger);
} else {
  logger.info('SEED_ON_START is false: seeds not loaded');
}
