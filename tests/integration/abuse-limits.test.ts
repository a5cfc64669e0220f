import { afterAll, describe, expect, it } from 'vitest';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

const sample = readSample();
const READ_A = 'read-key-a-of-enough-length';
const READ_B = 'read-key-b-of-enough-length';
const ADMIN = 'admin-key-of-enough-length';
const METRICS = 'metrics-key-of-enough-length';
const opened: TestApp[] = [];
afterAll(async () => {
  for (const t of opened) await stopTestApp(t);
});

async function limitedApp(): Promise<TestApp> {
  const t = await startTestApp('abuse-limits', {
    AUTH_DISABLED: 'false',
    API_KEYS: `${READ_A}:read,${READ_B}:read,${ADMIN}:admin,${METRICS}:metrics`,
    RATE_LIMIT_MAX: '5',
    RATE_LIMIT_EXPENSIVE_MAX: '2',
    RATE_LIMIT_WINDOW_MS: '60000',
  });
  opened.push(t);
  await t.container.services.papers.ingest(sample.slice(0, 10));
  return t;
}

describe('abuse limits', () => {
  it('when one credential exceeds its budget, then it gets 429 with Retry-After and RateLimit headers, and others do not', async () => {
    const t = await limitedApp();
    const get = (key: string) => t.app.inject({ url: '/v1/papers?limit=1', headers: { 'x-api-key': key } });
    const first = await get(READ_A);
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-limit']).toBe('5');
    expect(first.headers['ratelimit-remaining']).toBe('4');
    for (let i = 0; i < 4; i++) expect((await get(READ_A)).statusCode).toBe(200);
    const limited = await get(READ_A);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', details: { limit: 5 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect((await get(READ_B)).statusCode).toBe(200);
    // Health checks are never limited.
    for (let i = 0; i < 8; i++) expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('when a route embeds text, then its own smaller budget applies', async () => {
    const t = await limitedApp();
    const similar = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/papers/similar',
        headers: { 'x-api-key': READ_A },
        payload: { abstract: 'graph neural networks for parsing', limit: 2 },
      });
    expect((await similar()).statusCode).toBe(200);
    expect((await similar()).statusCode).toBe(200);
    const limited = await similar();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['ratelimit-limit']).toBe('2');
  });

  it('when /metrics is scraped, then it needs the metrics or admin scope and reports requests, limits, index and queues', async () => {
    const t = await limitedApp();
    for (let i = 0; i < 7; i++)
      await t.app.inject({ url: '/v1/papers?limit=1', headers: { 'x-api-key': READ_A } });
    expect((await t.app.inject({ url: '/metrics', headers: { 'x-api-key': READ_A } })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const scraped = await t.app.inject({ url: '/metrics', headers: { 'x-api-key': METRICS } });
    expect(scraped.statusCode).toBe(200);
    const text = scraped.body;
    expect(text).toMatch(
      /peerscout_http_request_duration_seconds_count\{method="GET",route="\/v1\/papers",status="200"\} 5/,
    );
    expect(text).toMatch(
      /peerscout_http_request_duration_seconds_count\{method="GET",route="\/v1\/papers",status="429"\} 2/,
    );
    expect(text).toMatch(/peerscout_rate_limited_total 2/);
    expect(text).toMatch(/peerscout_paper_index_size 10/);
    expect(text).toMatch(/peerscout_paper_index_lag_seconds 0/);
    expect(text).toMatch(/peerscout_queue_jobs\{queue="suggestions",state="waiting"\} \d+/);
    expect(text).toMatch(/peerscout_suggestion_cache_requests\{result="miss"\} 0/);
    expect((await t.app.inject({ url: '/metrics', headers: { 'x-api-key': ADMIN } })).statusCode).toBe(200);
  });
});

describe('a bounded embedding queue', () => {
  it('when the embedding queue is full, then a pasted abstract gets 503 busy at once instead of waiting', async () => {
    const t = await startTestApp('abuse-busy', { EMBEDDING_QUEUE_MAX: '2' }, { threads: true });
    opened.push(t);
    const nonce = `${Date.now()}-${Math.random()}`;
    const papers = sample.slice(100, 164).map((p) => ({ ...p, abstract: `${p.abstract} (${nonce})` }));
    const ingest = t.app.inject({ method: 'POST', url: '/v1/papers', payload: { papers } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const pasted = await t.app.inject({
      method: 'POST',
      url: '/v1/papers/similar',
      payload: { abstract: `a new abstract about parsing (${nonce})` },
    });
    expect(pasted.statusCode).toBe(503);
    expect(pasted.json().error.code).toBe('busy');
    expect(pasted.headers['retry-after']).toBe('1');
    expect(performance.now() - started).toBeLessThan(500);
    expect((await ingest).statusCode).toBe(200);
    // Once the queue has drained, the same request is served.
    const again = await t.app.inject({
      method: 'POST',
      url: '/v1/papers/similar',
      payload: { abstract: `a new abstract about parsing (${nonce})` },
    });
    expect(again.statusCode).toBe(200);
  });
});
