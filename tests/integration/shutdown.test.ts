import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { startEntryPoint } from '../../scripts/lib/child-process.ts';
import { loadConfig } from '../../src/config.ts';
import { createContainer } from '../../src/container.ts';
import { createLogger } from '../../src/logger.ts';
import { freePort, stopProcess } from '../helpers/processes.ts';
import { cleanUp, readSample, testEnvironment } from '../helpers/test-env.ts';

const env = testEnvironment('shutdown', { LOG_LEVEL: 'info', PORT: '0' });
const config = loadConfig(env);
afterAll(() => cleanUp(config));

/** Starts an entry point, signals it the moment it says it is ready, and returns how it ended. */
async function stopWhenReady(entry: string, readyText: string, extra: Record<string, string> = {}) {
  const output: string[] = [];
  const child = await startEntryPoint(entry, { ...env, ...extra }, readyText, {
    onOutput: (chunk) => output.push(chunk),
  });
  for (const stream of [child.stdout!, child.stderr!])
    stream.on('data', (chunk) => output.push(String(chunk)));
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code, signal] = await Promise.race([
    exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${entry} did not exit`)), 60_000)),
  ]).finally(() => stopProcess(child));
  return { code, signal, output: output.join('') };
}

describe('closing on a signal', () => {
  it('when closing never finishes, then the process still exits (code 1) once the shutdown timeout is over', async () => {
    const child = await startEntryPoint('tests/helpers/stuck-shutdown.ts', {}, 'ready', { args: ['500'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const started = performance.now();
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    expect(output).toContain('shutdown did not finish in time');
  });
});

describe('when the API and the worker are told to stop while they start, or the moment they say they are ready', () => {
  it('then each shuts down cleanly, and the API saves the index it rebuilt, which its next start loads', async () => {
    const store = createContainer(config, createLogger('warn', 'shutdown-test'));
    await store.services.papers.store(readSample().slice(0, 20));
    await store.close();
    const port = async () => ({ PORT: String(await freePort()) });

    // A signal that arrives before a process handles it ends the process by the signal (code null).
    const starting = await stopWhenReady('src/server.ts', 'indexes rebuilt from Redis', await port());
    expect({ code: starting.code, signal: starting.signal }).toEqual({ code: 0, signal: null });
    expect(starting.output).not.toContain('Server listening');

    const ready = await stopWhenReady('src/server.ts', 'Server listening', await port());
    expect(ready.output).toContain('indexes loaded from snapshots');
    expect({ code: ready.code, signal: ready.signal }).toEqual({ code: 0, signal: null });

    const worker = await stopWhenReady('workers/index.ts', 'workers started');
    expect({ code: worker.code, signal: worker.signal }).toEqual({ code: 0, signal: null });
  });
});
