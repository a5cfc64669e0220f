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

/**
 * A process that exits on its own (a crash, memory) is started again, after a pause that doubles from
 * one second while it keeps failing soon after its start; one that failed that way five times in a
 * row (a configuration error, say) stops everything, as it will not get better by itself.
 */
const RESTART = { firstDelayMs: 1000, maxDelayMs: 30_000, healthyAfterMs: 60_000, maxQuickFailures: 5 };

type Supervised = {
  name: string;
  script: string;
  child: ChildProcess | null;
  quickFailures: number;
  restartTimer: NodeJS.Timeout | null;
};
const supervised: Supervised[] = [
  { name: 'api', script: 'src/server.ts' },
  { name: 'worker', script: 'workers/index.ts' },
].map((entry) => ({ ...entry, child: null, quickFailures: 0, restartTimer: null }));

function launch(entry: Supervised): void {
  entry.restartTimer = null;
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', entry.script], {
    stdio: 'inherit',
    env: process.env,
  });
  entry.child = child;
  // Not `pid`: every log line already has one, the pid of this process.
  logger.info({ process: entry.name, childPid: child.pid }, 'process started');
  child.on('exit', (code, signal) => {
    if (stopping) return;
    entry.quickFailures = Date.now() - startedAt < RESTART.healthyAfterMs ? entry.quickFailures + 1 : 1;
    if (entry.quickFailures >= RESTART.maxQuickFailures) {
      logger.error(
        { process: entry.name, code, signal },
        'process keeps exiting soon after its start; stopping',
      );
      stopAll(code || 1);
      return;
    }
    const restartInMs = Math.min(RESTART.firstDelayMs * 2 ** (entry.quickFailures - 1), RESTART.maxDelayMs);
    logger.warn({ process: entry.name, code, signal, restartInMs }, 'process exited; starting it again');
    entry.restartTimer = setTimeout(() => launch(entry), restartInMs);
  });
}
let stopping = false;
for (const entry of supervised) launch(entry);

function stopAll(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  const children = supervised.flatMap((entry) => {
    if (entry.restartTimer) clearTimeout(entry.restartTimer);
    return entry.child ? [entry.child] : [];
  });
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
