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

// A store without a learned ranking model gets one from the worker; until then the classic order serves.
if (!(await container.repositories.rankers.get())) {
  await container.queues.add(
    'train-ranking-model',
    { reason: 'no model in the store' },
    { jobId: 'train-ranking-model' },
  );
}

closeOnSignals(logger, 'no new requests, finishing in-flight ones', async () => {
  await app.close();
  await container.close();
});
