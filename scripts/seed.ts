import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { seedStore } from '../src/importing/seed-loader.ts';
import { createLogger } from '../src/logger.ts';

/** Loads seeds/ into the configured store when it has no papers yet. */
const config = loadConfig();
await ensureModel(config.model.dir, config.model.name);
await seedStore(config, createLogger(config.logLevel, 'peerscout-seed'));
