import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startEntryPoint, stopProcess } from '../../scripts/lib/child-process.ts';

export { freePort, stopProcess } from '../../scripts/lib/child-process.ts';

/**
 * Runs a TypeScript script of the tests in a process of its own and says how it ended: for faults that
 * take the whole process down or block it for good, which no assertion inside this process could see.
 */
export function runScript(
  script: string,
  args: string[],
  timeoutMs: number,
): { status: number | null; signal: NodeJS.Signals | null; stdout: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout.trim() };
}

/** Starts `npm run worker` as a real process and resolves once its workers are listening. */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = await startEntryPoint('workers/index.ts', { ...env, LOG_LEVEL: 'info' }, 'workers started');
  child.stdout!.resume();
  child.stderr!.resume();
  return child;
}

/** A private redis-server with AOF persistence in a temporary folder, so it can be restarted with its data. */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerscout-redis-'));

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('private redis-server did not start');
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.connect(this.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
  }

  /** Freezes the server (SIGSTOP): connections open, commands get no answer, as with a hung Redis. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGTERM shuts down cleanly; SIGKILL is a crash (AOF with fsync always keeps every write). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stopProcess(this.child ?? undefined, signal);
    this.child = null;
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitFor(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    // A check that fails (Redis restarting, say) counts as "not yet", not as the answer.
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? ` (last check failed: ${lastError})` : ''}`);
}
