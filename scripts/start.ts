import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfig } from '../src/config.ts';
import { ensureModel } from '../src/embedding/model-setup.ts';
import { seedStore } from '../src/importing/seed-loader.ts';
import { createLogger } from '../src/logger.ts';

/** Starts PeerScout in one command: model setup, seeds when the store is empty, then the API and a worker. */
const config = loadConfig();
const logger = createLogger(config.logLevel, 'peerscout-start');
const model = await ensureModel(config.model.dir, config.model.name);
if (model.generated) logger.info({ path: model.modelPath }, 'model files written');

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
