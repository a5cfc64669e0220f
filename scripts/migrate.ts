import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { migrateStore } from './lib/migrate-store.ts';

/** `npm run migrate`: moves a store written by an earlier version to the current key layout. */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-migrate');
const migrated = await migrateStore(config, logger);
if (!migrated) logger.info({ prefix: config.keyPrefix }, 'the store already has the current key layout');
