import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { seedStore } from '../src/importing/seed-loader.ts';
import { createLogger } from '../src/logger.ts';
import { migrateStore } from './lib/migrate-store.ts';

/**
 * A development install with no keys configured gets one admin key, made once and kept in
 * DATA_DIR/dev-api-key, so the two-command quick start works; production must configure its keys.
 */
function developmentApiKey(): { key: string; file: string } | null {
  const env = process.env;
  if (env.API_KEYS || env.API_KEYS_FILE || env.AUTH_DISABLED === 'true' || env.NODE_ENV === 'production')
    return null;
  const file = path.resolve(env.DATA_DIR ?? 'data', 'dev-api-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `psk_dev_${randomBytes(18).toString('base64url')}`, { mode: 0o600 });
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  env.API_KEYS = `${key}:admin+read`;
  return { key, file };
}

/** Starts PeerScout in one command: model setup, seeds when the store is empty, then the API and a worker. */
const devKey = developmentApiKey();
const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-start');
if (devKey) {
  logger.info(
    { file: devKey.file },
    `no API_KEYS configured: this local install's admin key is ${devKey.key} (sign in to the explorer at http://localhost:${config.port}/ with it, or curl -H "x-api-key: $(cat ${devKey.file})" ...)`,
  );
}
const model = await ensureModel(config.model.dir, config.model.name);
if (model.generated) logger.info({ path: model.modelPath }, 'model files written');

// A store written by an earlier version is moved to the current key layout before anything starts.
await migrateStore(config, logger);
if (config.seedOnStart) await seedStore(config, logger);

const processes: { name: string; script: string }[] = [
  { name: 'api', script: 'src/server.ts' },
  { name: 'worker', script: 'workers/index.ts' },
];
const children: ChildProcess[] = processes.map(({ name, script }) => {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    logger.info({ process: name, code, signal }, 'process exited');
    stopAll(code ?? 1);
  });
  return child;
});

let stopping = false;
function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  const alive = () => children.some((c) => c.exitCode === null && c.signalCode === null);
  const wait = setInterval(() => {
    if (!alive()) {
      clearInterval(wait);
      process.exit(exitCode);
    }
  }, 100);
}
process.on('SIGTERM', () => stopAll(0));
process.on('SIGINT', () => stopAll(0));
