import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Starts one of our TypeScript entry points (e.g. `workers/index.ts`) as a real Node process and
 * resolves once a line of its output contains `readyText`. The process is the node process itself
 * (not a wrapper), so its pid is the one to read memory from or to signal. `onOutput` sees its output up
 * to the ready line; the caller drains (or reads) the rest.
 */
export async function startEntryPoint(
  entry: string,
  env: Record<string, string>,
  readyText: string,
  options: { timeoutMs?: number; args?: string[]; onOutput?: (chunk: string) => void } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    options.onOutput?.(chunk.toString());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start:\n${output}`)),
      options.timeoutMs ?? 120_000,
    );
    const check = () => {
      if (!output.includes(readyText)) return;
      clearTimeout(timer);
      // From here on the caller drains the output: nothing is kept (a busy server logs every request).
      for (const listener of [onData, check]) {
        child.stdout!.off('data', listener);
        child.stderr!.off('data', listener);
      }
      child.off('exit', onExit);
      resolve();
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code}:\n${output}`));
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', onExit);
  });
  return child;
}

/** Signals a child and resolves once it has exited. */
export async function stopProcess(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
