import { loadConfig } from './config.ts';
import { createContainer } from './container.ts';
import { ensureModel } from './embedding/model-setup.ts';
import { buildApp } from './http/app.ts';
import { createLogger } from './logger.ts';

const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-api');
await ensureModel(config.model.dir, config.model.name);
const container = createContainer(config, logger);
await container.start();
const app = await buildApp(container);
await app.listen({ host: config.host, port: config.port });

// A store without a learned ranking model gets one in the background; until then the classic order serves.
if (!(await container.repositories.rankers.get())) {
  container.services.collaborators
    .train()
    .catch((error) => logger.warn({ err: error }, 'ranking model training failed'));
}

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
  try {
    await app.close();
    await container.close();
    process.exit(0);
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
