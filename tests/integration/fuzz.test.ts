import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintResearcherToken } from '../../scripts/lib/researcher-token.ts';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

const READ_KEY = 'fuzz-read-key-of-enough-length';
const ADMIN_KEY = 'fuzz-admin-key-of-enough-length';
const SECRET = 'a-fuzz-researcher-token-secret-32-chars';
const sample = readSample();
let t: TestApp;
let ownerToken = '';

beforeAll(async () => {
  t = await startTestApp('fuzz', {
    AUTH_DISABLED: 'false',
    API_KEYS: `${READ_KEY}:read,${ADMIN_KEY}:admin`,
    RESEARCHER_TOKEN_SECRET: SECRET,
  });
  await t.container.services.papers.ingest(sample.slice(0, 20));
  ownerToken = await mintResearcherToken(t.config.auth.researcherTokens!, sample[0]!.authors[0]!.id, '10m');
});
afterAll(() => stopTestApp(t));

/**
 * Every data key under the test's prefix with a digest of its content (rate-limit counters aside).
 * Content, not DUMP bytes: reading a large hash can advance Redis' incremental rehashing, which
 * reorders its serialised form without changing a field.
 */
async function storeChecksum(): Promise<{ keys: number; digest: string }> {
  const redis = t.container.redis;
  const keys: string[] = [];
  for (const pattern of t.container.keys.patterns) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...found.filter((key) => !key.includes(':rate-limit:')));
    } while (cursor !== '0');
  }
  keys.sort();
  const hash = createHash('sha256');
  for (const key of keys) hash.update(key).update(await contentOf(key));
  return { keys: keys.length, digest: hash.digest('hex') };
}

async function contentOf(key: string): Promise<Buffer> {
  const redis = t.container.redis;
  const sorted = (items: Buffer[]) =>
    Buffer.concat(items.sort(Buffer.compare).flatMap((b) => [b, Buffer.from([0])]));
  const type = await redis.type(key);
  if (type === 'string') return (await redis.getBuffer(key)) ?? Buffer.alloc(0);
  if (type === 'hash') {
    const flat = await redis.hgetallBuffer(key);
    return sorted(
      Object.entries(flat).map(([field, value]) => Buffer.concat([Buffer.from(`${field}\0`), value])),
    );
  }
  if (type === 'set') return sorted(await redis.smembersBuffer(key));
  if (type === 'zset') return Buffer.concat(await redis.zrangeBuffer(key, 0, -1, 'WITHSCORES'));
  if (type === 'list') return Buffer.concat(await redis.lrangeBuffer(key, 0, -1));
  if (type === 'stream') return Buffer.from(JSON.stringify(await redis.xrange(key, '-', '+')));
  throw new Error(`no content digest for ${type} key ${key}`);
}

/** Path segments that are never a valid id, or a valid id that names nothing. */
const badId = fc.oneof(
  fc.constantFrom(
    'a:b:c:unknown',
    'with space',
    '{brace}',
    'star*',
    'new\nline',
    'nul\u0000',
    '',
    'x'.repeat(300),
    '../etc',
  ),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const badNumber = fc.constantFrom(
  '-1',
  '1e400',
  'NaN',
  'Infinity',
  ' ',
  '',
  'ten',
  '9999999999',
  '0.5',
  '-0',
);
const badString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('\ud800', 'a\u0000b', 'x'.repeat(30_000), '{"$gt":""}'),
);
const badJsonValue = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    { id: badString, title: badString, abstract: badString, year: fc.anything(), authors: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record({ papers: fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }) }),
  fc.record(
    { abstract: badString, text: badString, limit: fc.oneof(fc.integer(), fc.double()) },
    { requiredKeys: [] },
  ),
  fc.record(
    { positive: fc.array(badString, { maxLength: 3 }), negative: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record(
    { until: badString, period: badString, accountId: fc.anything(), openToCollaborate: fc.anything() },
    { requiredKeys: [] },
  ),
);

/** Percent-encodes anything, lone surrogates included (as raw bytes a client could send). */
function encode(value: string): string {
  if (value.isWellFormed()) return encodeURIComponent(value);
  return (
    [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('') + '%ED%A0%80'
  );
}

const ROUTES: {
  method: InjectOptions['method'];
  path: (id: string, other: string) => string;
  query?: string[];
}[] = [
  { method: 'GET', path: () => '/v1/papers', query: ['limit', 'offset'] },
  { method: 'POST', path: () => '/v1/papers' },
  { method: 'GET', path: (id) => `/v1/papers/${id}` },
  { method: 'DELETE', path: (id) => `/v1/papers/${id}` },
  {
    method: 'GET',
    path: (id) => `/v1/papers/${id}/similar`,
    query: ['limit', 'offset', 'yearFrom', 'yearTo', 'venue'],
  },
  { method: 'POST', path: () => '/v1/papers/similar' },
  { method: 'POST', path: () => '/v1/papers/recommend' },
  { method: 'GET', path: () => '/v1/researchers', query: ['q', 'limit', 'offset'] },
  { method: 'GET', path: (id) => `/v1/researchers/${id}` },
  { method: 'PATCH', path: (id) => `/v1/researchers/${id}` },
  { method: 'GET', path: (id) => `/v1/researchers/${id}/papers`, query: ['limit', 'offset'] },
  { method: 'POST', path: (id) => `/v1/researchers/${id}/claim` },
  { method: 'DELETE', path: (id) => `/v1/researchers/${id}/claim`, query: ['accountId'] },
  { method: 'PUT', path: (id, other) => `/v1/researchers/${id}/followers/${other}` },
  { method: 'DELETE', path: (id, other) => `/v1/researchers/${id}/followers/${other}` },
  { method: 'POST', path: (id) => `/v1/researchers/${id}/refresh` },
  {
    method: 'GET',
    path: (id) => `/v1/researchers/${id}/collaborators`,
    query: ['limit', 'offset', 'novelty', 'diversity', 'excludeIds', 'activeSince'],
  },
  { method: 'POST', path: () => '/v1/collaborators/suggest' },
  { method: 'GET', path: (id) => `/v1/researchers/${id}/related-papers`, query: ['limit', 'yearFrom'] },
  { method: 'GET', path: (id) => `/v1/researchers/${id}/similar`, query: ['limit', 'offset'] },
  { method: 'GET', path: (id) => `/v1/researchers/${id}/graph`, query: ['depth', 'limit'] },
  { method: 'GET', path: (id) => `/v1/researchers/${id}/invitations`, query: ['status', 'box', 'limit'] },
  { method: 'PUT', path: (id, other) => `/v1/researchers/${id}/blocked/${other}` },
  { method: 'DELETE', path: (id, other) => `/v1/researchers/${id}/blocked/${other}` },
  { method: 'GET', path: (id) => `/v1/invitations/${id}` },
  { method: 'POST', path: (id, other) => `/v1/invitations/${id}/${other}` },
  { method: 'POST', path: (id) => `/v1/invitations/${id}/snooze` },
  { method: 'POST', path: () => '/v1/invitations/digest' },
  { method: 'GET', path: (id) => `/v1/jobs/${id}` },
  { method: 'PUT', path: (id) => `/v1/papers/${id}` },
  { method: 'PATCH', path: () => '/v1/papers' },
];

/** Who sends it: admin keys twice as often, so that most requests reach validation and the use-cases. */
const credential = fc.constantFrom(
  'none',
  'read',
  'admin',
  'admin',
  'unknown key',
  'bad token',
  'basic',
  'owner',
);
const headersOf = (who: string): Record<string, string> =>
  ({
    none: {},
    read: { 'x-api-key': READ_KEY },
    admin: { 'x-api-key': ADMIN_KEY },
    'unknown key': { 'x-api-key': 'not-a-key' },
    'bad token': { authorization: 'Bearer not.a.token' },
    basic: { authorization: 'Basic Zm9vOmJhcg==' },
    owner: { authorization: `Bearer ${ownerToken}` },
  })[who]!;

const badRequest = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    id: badId,
    other: badId,
    queryValues: fc.array(fc.oneof(badNumber, badString), { minLength: 0, maxLength: 3 }),
    body: fc.oneof(
      fc.constant(undefined),
      badJsonValue.map((value) => ({ type: 'application/json', payload: JSON.stringify(value ?? null) })),
      fc.constantFrom(
        { type: 'application/json', payload: '{"id": "x", "title": ' },
        { type: 'application/json', payload: '{"abstract":"\\ud800"}' },
        { type: 'application/json', payload: '[1,2,' },
        { type: 'text/plain', payload: 'hello' },
        { type: 'application/xml', payload: '<paper/>' },
        { type: 'application/x-www-form-urlencoded', payload: 'a=b' },
      ),
    ),
    who: credential,
  })
  .map(({ route, id, other, queryValues, body, who }) => {
    const query = (route.query ?? [])
      .map((name, i) => (queryValues[i] === undefined ? '' : `${name}=${encode(queryValues[i]!)}`))
      .filter(Boolean)
      .join('&');
    const path = route.path(encode(id), encode(other));
    return {
      method: route.method,
      url: query ? `${path}?${query}` : path,
      headers: {
        ...headersOf(who),
        ...(body ? { 'content-type': body.type } : {}),
      },
      ...(body ? { payload: body.payload } : {}),
    } satisfies InjectOptions;
  });

describe('a fuzzed API', () => {
  it('when 1,200 generated bad requests arrive on every route, then none gets a 5xx, errors have the documented shape, and the store is unchanged', async () => {
    const before = await storeChecksum();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(badRequest, async (request) => {
        const response = await t.app.inject(request);
        const what = `${request.method} ${request.url}`;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode, what).toBeLessThan(500);
        if (response.statusCode < 400) {
          // A read whose generated input happened to be valid (a search for random words, say).
          expect(request.method, what).toBe('GET');
          return;
        }
        const body = response.json();
        expect(body.error, what).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        expect(body.error, what).toHaveProperty('details');
      }),
      { numRuns: 1200, seed: 20261123 },
    );
    console.log(
      `fuzz: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect(await storeChecksum()).toEqual(before);
    expect(statuses.size).toBeGreaterThan(3);
  });
});
