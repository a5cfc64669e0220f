import { describe, expect, it } from 'vitest';
import { ForegroundWork } from '../../src/jobs/foreground-work.ts';

describe('ForegroundWork', () => {
  it('when no foreground job runs, then background work goes on at the next turn of the event loop', async () => {
    const work = new ForegroundWork(10_000);
    const started = performance.now();
    await work.giveWay();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('when foreground jobs run, then background work resumes as the last of them ends', async () => {
    const work = new ForegroundWork(10_000);
    const order: string[] = [];
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = work.run(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = work.run(() => new Promise<void>((resolve) => (finishSecond = resolve)));
    const background = work.giveWay().then(() => order.push('background'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('first ends');
    finishFirst();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 20));
    order.push('second ends');
    finishSecond();
    await Promise.all([second, background]);
    expect(order).toEqual(['first ends', 'second ends', 'background']);
  });

  it('when a foreground job never ends, then background work still takes a step after the longest wait', async () => {
    const work = new ForegroundWork(50);
    void work.run(() => new Promise<void>(() => {}));
    const started = performance.now();
    await work.giveWay();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('when a foreground job fails, then it no longer holds background work back', async () => {
    const work = new ForegroundWork(10_000);
    await expect(work.run(() => Promise.reject(new Error('refresh failed')))).rejects.toThrow(
      'refresh failed',
    );
    const started = performance.now();
    await work.giveWay();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
