import { describe, expect, it } from 'vitest';
import { startEntryPoint } from '../../scripts/lib/child-process.ts';

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
