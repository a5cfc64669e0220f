import fs from 'node:fs';
import { loadConfig } from '../src/config.ts';
import { createContainer } from '../src/container.ts';
import { buildApp } from '../src/http/app.ts';
import { createLogger } from '../src/logger.ts';

/** Writes the API's OpenAPI document (as /docs/json serves it) to a file, for linters and client generators. */
const out = process.argv[2] ?? 'openapi.json';
const config = loadConfig({
  ...process.env,
  AUTH_DISABLED: 'true',
  NODE_ENV: 'development',
  LOG_LEVEL: 'silent',
});
const container = createContainer(config, createLogger('silent'));
const app = await buildApp(container);
await app.ready();
fs.writeFileSync(out, JSON.stringify(app.swagger(), null, 2));
await app.close();
await container.close();
console.log(`wrote ${out}`);
