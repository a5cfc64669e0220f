import { loadConfig } from './config.ts';
import { createApiContainer } from './container.ts';
import { ensureModel } from './embedding/model-setup.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logger.ts';
import { closeOnSignals } from './shutdown.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-api');
await ensureModel(config.model.dir, config.model.name);
const container = createApiContainer(config, logger);
await container.start();
const app = await buildApp(container);
await app.listen({ host: config.host, port: config.port });

closeOnSignals(logger, 'no new requests, finishing in-flight ones', async () => {
  await app.close();
  await container.close();
});
