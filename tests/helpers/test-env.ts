import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { deletePrefix } from '../../scripts/lib/redis-prefix.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Container, createApiContainer, createContainer } from '../../src/container.ts';
import type { Paper } from '../../src/domain/paper.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/logger.ts';

/** 500 real ACL Anthology papers (CC BY 4.0), committed so that the suite needs nothing outside the repo. */
export const SAMPLE_FILE = path.resolve(import.meta.dirname, '../fixtures/acl-sample-500.jsonl');
/** One embedding cache for all test files, so the 500-paper sample is embedded once per machine. */
export const TEST_EMBEDDING_CACHE = path.join(os.tmpdir(), 'peerscout-test-embedding-cache');

export function readSample(): Paper[] {
  return fs
    .readFileSync(SAMPLE_FILE, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Paper);
}

/** Environment of a test file: its own key prefix and data folder. */
export function testEnvironment(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const prefix = `test-${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    KEY_PREFIX: prefix,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`)),
    EMBEDDING_CACHE_DIR: TEST_EMBEDDING_CACHE,
    // Workers of parallel test files would contend for one health port: off unless a test sets one.
    WORKER_HEALTH_PORT: '0',
    // Use-case tests call the API as an admin; the authorization tests configure keys and tokens.
    AUTH_DISABLED: 'true',
    // Suites send thousands of requests with one credential: budgets are tested on their own.
    RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_EXPENSIVE_MAX: '1000000',
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extra,
  };
}

/** Deletes every key under a prefix and the data folder. */
export async function cleanUp(config: Config): Promise<void> {
  await deletePrefix(config.redisUrl, config.keyPrefix);
  fs.rmSync(config.dataDir, { recursive: true, force: true });
}

export type TestApp = {
  env: Record<string, string>;
  config: Config;
  container: Container;
  app: FastifyInstance;
};

/**
 * The app on a fresh key prefix. By default everything runs in the test's thread (use-cases can be
 * inspected through `container`); `{ threads: true }` builds the API process's layout instead, with
 * the model and the indexes in worker threads.
 */
export async function startTestApp(
  name: string,
  extra: Record<string, string> = {},
  options: { threads?: boolean } = {},
): Promise<TestApp> {
  const env = testEnvironment(name, extra);
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, name);
  const container = options.threads
    ? (createApiContainer(config, logger) as unknown as Container)
    : createContainer(config, logger, { servesRequests: true });
  await container.start({ backgroundSync: false });
  const app = await buildApp(container);
  // Ready before the first request, as the API is once it listens: response serializers are compiled
  // here, not inside the first request a test times.
  await app.ready();
  return { env, config, container, app };
}

export async function stopTestApp(test: TestApp | undefined): Promise<void> {
  if (!test) return;
  await test.app.close();
  await test.container.close();
  await cleanUp(test.config);
}
