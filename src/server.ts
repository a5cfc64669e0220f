import type { FastifyInstance } from 'fastify';
import { loadConfig } from './config.ts';
import { createApiContainer } from './container.ts';
import { ensureModel } from './embedding/model-setup.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import { closeOnSignals } from './shutdown.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-api');
if (!config.auth.disabled && config.auth.apiKeys.length === 0) {
  logger.fatal(
    'no API keys: set API_KEYS or API_KEYS_FILE (npm run api-key), or AUTH_DISABLED=true outside production',
  );
  process.exit(1);
}
await ensureModel(config.model.dir, config.model.name);
const container = createApiContainer(config, logger);
let app: FastifyInstance | undefined;
// Before the start-up, which may take minutes (an index rebuilt from Redis): a signal is handled from here on.
const shutdown = closeOnSignals(
  logger,
  'no new requests, finishing in-flight ones',
  config.shutdownTimeoutMs,
  async () => {
    await app?.close();
    await container.close();
  },
);
const { indexRebuilt } = await shutdown.unlessStopping(container.start());
logger.info({ indexRebuilt }, indexRebuilt ? 'indexes rebuilt from Redis' : 'indexes loaded from snapshots');
app = await shutdown.unlessStopping(buildApp(container));
await shutdown.unlessStopping(app.listen({ host: config.host, port: config.port }));
