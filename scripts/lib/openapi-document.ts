import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';

/** The API's OpenAPI document, as /docs/json serves it; needs neither Redis nor the model. */
export async function openApiDocument(): Promise<unknown> {
  const config = loadConfig({
    ...process.env,
    AUTH_DISABLED: 'true',
    NODE_ENV: 'development',
    LOG_LEVEL: 'silent',
  });
  const container = createContainer(config, createLogger('silent'));
  const app = await buildApp(container);
  await app.ready();
  const document = app.swagger();
  await app.close();
  await container.close();
  return document;
}
