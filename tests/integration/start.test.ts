import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { startEntryPoint } from '../../scripts/lib/child-process.ts';
import { loadConfig } from '../../src/config.ts';
import { freePort, stopProcess, waitFor } from '../helpers/processes.ts';
import { cleanUp, testEnvironment } from '../helpers/test-env.ts';

const env = testEnvironment('start', { SEED_ON_START: 'false', LOG_LEVEL: 'info' });
let start: ChildProcess | undefined;
afterAll(async () => {
  await stopProcess(start);
  await cleanUp(loadConfig(env));
});

/** The pid `npm start` logged for the latest start of one of its processes. */
function latestPid(output: string, name: string): number | null {
  const lines = output.split('\n').filter((line) => line.includes('"process started"'));
  const pid = lines
    .map((line) => JSON.parse(line) as { process: string; childPid: number })
    .filter((entry) => entry.process === name)
    .at(-1)?.childPid;
  return pid ?? null;
}

describe('npm start', () => {
  it('when its worker dies, then it starts another one and the API keeps serving; SIGTERM stops both', async () => {
    const port = await freePort();
    let output = '';
    start = await startEntryPoint('scripts/start.ts', { ...env, PORT: String(port) }, 'workers started', {
      onOutput: (chunk) => {
        output += chunk;
      },
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    start.stdout!.on('data', collect);
    start.stderr!.on('data', collect);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 60_000, 'the API');

    const firstWorker = latestPid(output, 'worker');
    expect(firstWorker).toBeGreaterThan(0);
    process.kill(firstWorker!, 'SIGKILL');
    await waitFor(
      async () => output.split('workers started').length === 3,
      90_000,
      'a second worker to start',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; npm start wrote:\n${output.slice(-5000)}`);
    });
    const secondWorker = latestPid(output, 'worker');
    expect(secondWorker).not.toBe(firstWorker);
    expect(output).toContain('process exited; starting it again');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);

    const api = latestPid(output, 'api')!;
    const exited = new Promise<number | null>((resolve) => start!.once('exit', (code) => resolve(code)));
    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of [api, secondWorker!]) expect(() => process.kill(pid, 0)).toThrow();
  }, 300_000);
});
