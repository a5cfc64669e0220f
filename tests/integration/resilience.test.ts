import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, PrivateRedis, waitFor } from '../helpers/processes.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

const sample = readSample();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('when Redis is unreachable', () => {
  it('then requests get 503 in the error shape within about a second, /readyz at once, and both recover by themselves', async () => {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    cleanups.push(() => redis.remove());
    const t: TestApp = await startTestApp('resilience-redis', { REDIS_URL: redis.url });
    cleanups.push(() => stopTestApp(t));
    await t.container.services.papers.ingest(sample.slice(0, 5));
    const paperUrl = `/v1/papers/${sample[0]!.id}`;
    expect((await t.app.inject({ url: paperUrl })).statusCode).toBe(200);

    await redis.stop('SIGKILL');
    for (const url of [
      paperUrl,
      `/v1/papers/${sample[1]!.id}/similar`,
      `/v1/researchers/${sample[0]!.authors[0]!.id}`,
    ]) {
      const { result, ms } = await timed(() => t.app.inject({ url }));
      expect(result.statusCode, url).toBe(503);
      expect(result.json().error).toMatchObject({ code: 'store_unavailable', message: expect.any(String) });
      expect(result.headers['retry-after']).toBe('1');
      expect(ms, url).toBeLessThan(2500);
    }
    const ready = await timed(() => t.app.inject({ url: '/readyz' }));
    expect(ready.result.statusCode).toBe(503);
    expect(ready.result.json()).toMatchObject({ ready: false, checks: { redis: false } });
    expect(ready.ms).toBeLessThan(1000);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

    await redis.start();
    await waitFor(async () => (await t.app.inject({ url: paperUrl })).statusCode === 200, 10_000, 'recovery');
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('slow and incomplete requests', () => {
  it('when a client announces more body than it sends, then the server answers 408 or closes within the request timeout', async () => {
    const t: TestApp = await startTestApp('resilience-timeout', { REQUEST_TIMEOUT_MS: '1000' });
    cleanups.push(() => stopTestApp(t));
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as net.AddressInfo;
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /v1/papers HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":',
        );
      });
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString();
      });
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      setTimeout(() => {
        socket.destroy();
        reject(new Error('the server held the connection open'));
      }, 10_000).unref();
    });
    const ms = performance.now() - started;
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    expect(ms).toBeLessThan(5000);
    // Other clients are served meanwhile and after.
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
