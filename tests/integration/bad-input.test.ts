import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSample, startTestApp, stopTestApp, type TestApp } from '../helpers/test-env.ts';

let t: TestApp;
const [paper, other] = readSample();

async function paperCount(): Promise<number> {
  return (await t.app.inject({ url: '/v1/papers?limit=1' })).json().page.total;
}

type Case = {
  name: string;
  method?: 'GET' | 'POST' | 'DELETE';
  url: string;
  payload?: unknown;
  status: 400 | 404 | 413 | 422;
  /** The exact error code; by default the one of its status. */
  code?: string;
};

const CODE_OF_STATUS = {
  400: 'invalid_request',
  404: 'not_found',
  413: 'payload_too_large',
  422: 'unprocessable',
};

beforeAll(async () => {
  t = await startTestApp('bad-input', { MAX_PAPERS_PER_REQUEST: '3', BODY_LIMIT_BYTES: '65536' });
  await t.app.inject({ method: 'POST', url: '/v1/papers', payload: other });
});
afterAll(() => stopTestApp(t));

describe('bad input gets a clear 4xx JSON error and stores nothing', () => {
  const cases: Case[] = [
    {
      name: 'wrong type for year',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, year: 'soon' },
      status: 400,
    },
    {
      name: 'missing title',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, title: undefined },
      status: 400,
    },
    {
      name: 'empty abstract',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, abstract: '   ' },
      status: 400,
    },
    {
      name: 'authors that are not a list',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, authors: 'nobody' },
      status: 400,
    },
    {
      name: 'an author listed twice',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, authors: [paper!.authors[0], paper!.authors[0]] },
      status: 400,
    },
    {
      name: 'a batch with one bad paper',
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: [paper, { ...paper, id: 'ok-2', year: -1 }] },
      status: 400,
    },
    { name: 'an empty batch', method: 'POST', url: '/v1/papers', payload: { papers: [] }, status: 400 },
    { name: 'a JSON array body', method: 'POST', url: '/v1/papers', payload: [paper], status: 400 },
    {
      name: 'a batch over the configured size',
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: [1, 2, 3, 4].map((n) => ({ ...paper, id: `big-${n}` })) },
      status: 413,
    },
    {
      name: 'the same id twice in a batch',
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: [paper, paper] },
      status: 422,
    },
    { name: 'unknown paper', url: '/v1/papers/no-such-paper', status: 404 },
    { name: 'unknown paper for similar', url: '/v1/papers/no-such-paper/similar', status: 404 },
    { name: 'delete unknown paper', method: 'DELETE', url: '/v1/papers/no-such-paper', status: 404 },
    { name: 'limit over the cap', url: `/v1/papers/${other!.id}/similar?limit=5000`, status: 400 },
    { name: 'limit not a number', url: `/v1/papers/${other!.id}/similar?limit=ten`, status: 400 },
    {
      name: 'year range reversed',
      url: `/v1/papers/${other!.id}/similar?yearFrom=2023&yearTo=2020`,
      status: 400,
    },
    { name: 'bad boolean', url: `/v1/papers/${other!.id}/similar?excludeSameAuthors=maybe`, status: 400 },
    {
      name: 'similar text without abstract',
      method: 'POST',
      url: '/v1/papers/similar',
      payload: { title: 'x' },
      status: 400,
    },
    {
      name: 'similar text with empty abstract',
      method: 'POST',
      url: '/v1/papers/similar',
      payload: { abstract: '' },
      status: 400,
    },
    {
      name: 'similar text with unknown filter',
      method: 'POST',
      url: '/v1/papers/similar',
      payload: { abstract: 'x', filters: { color: 'red' } },
      status: 400,
    },
    {
      name: 'recommend without positives',
      method: 'POST',
      url: '/v1/papers/recommend',
      payload: { positive: [] },
      status: 400,
    },
    {
      name: 'recommend with unknown ids',
      method: 'POST',
      url: '/v1/papers/recommend',
      payload: { positive: ['nope'] },
      status: 422,
    },
    { name: 'unknown researcher', url: '/v1/researchers/nobody-at-all', status: 404 },
    { name: 'unknown researcher works', url: '/v1/researchers/nobody-at-all/papers', status: 404 },
    { name: 'negative offset', url: '/v1/researchers?offset=-1', status: 400 },
    { name: 'unknown route', url: '/v1/nothing-here', status: 404, code: 'route_not_found' },
  ];

  for (const c of cases) {
    it(`answers ${c.status} for ${c.name}`, async () => {
      const before = await paperCount();
      const response = await t.app.inject({
        method: c.method ?? 'GET',
        url: c.url,
        payload: c.payload as object,
      });
      expect(response.statusCode).toBe(c.status);
      const body = response.json();
      expect(body.error).toMatchObject({
        code: c.code ?? CODE_OF_STATUS[c.status],
        message: expect.any(String),
      });
      expect(body.error).toHaveProperty('details');
      expect(await paperCount()).toBe(before);
    });
  }

  const idCases = [
    { name: 'a paper id with a slash', method: 'POST', url: '/v1/papers', payload: { ...paper, id: 'a/b' } },
    {
      name: 'an author id with a space',
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, authors: [{ id: 'with space', name: 'W S' }] },
    },
    { name: 'a researcher id with braces', method: 'GET', url: '/v1/researchers/%7Bx%7D' },
    { name: 'a researcher id with a star', method: 'GET', url: '/v1/researchers/a*b/collaborators' },
  ] as const;
  for (const c of idCases) {
    it(`when ${c.name} is sent, then it is refused with 422 and the id rule`, async () => {
      const before = await paperCount();
      const response = await t.app.inject({
        method: c.method,
        url: c.url,
        ...('payload' in c ? { payload: c.payload } : {}),
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('invalid_id');
      expect(response.json().error.message).toContain('letters, digits and . _ : ~ + -');
      expect(await paperCount()).toBe(before);
    });
  }

  const loneSurrogate = '\ud800';
  const surrogateCases = [
    { field: 'title', payload: { ...paper, title: `Title ${loneSurrogate}` } },
    { field: 'venue', payload: { ...paper, venue: `acl${loneSurrogate}` } },
    {
      field: 'author name',
      payload: { ...paper, authors: [{ id: 'lone-s', name: `Ann ${loneSurrogate}` }] },
    },
    {
      field: 'affiliation',
      payload: { ...paper, authors: [{ id: 'lone-s', name: 'Ann', affiliation: `Uni ${loneSurrogate}` }] },
    },
    { field: 'a batch paper abstract', payload: { papers: [{ ...paper, abstract: `x${loneSurrogate}y` }] } },
  ];
  for (const c of surrogateCases) {
    it(`when a ${c.field} holds a lone surrogate, then it is refused with 400 and nothing is stored`, async () => {
      const before = await paperCount();
      const response = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: c.payload });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_input');
      expect(response.json().error.message).toContain('well-formed Unicode');
      expect(await paperCount()).toBe(before);
    });
  }

  it('when a JSON string escapes a lone surrogate, then it is refused with 400', async () => {
    const escaped = await t.app.inject({
      method: 'POST',
      url: '/v1/papers/similar',
      payload: `{"abstract":"graph learning \\ud800 for recommendation"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(escaped.statusCode).toBe(400);
    expect(escaped.json().error.code).toBe('invalid_input');
  });

  for (const query of ['diversity=%20', 'offset=%20', 'limit=', 'novelty=abc', 'limit=1e400']) {
    it(`when a number parameter is blank or not a number (${query}), then it is 400, not 0`, async () => {
      const response = await t.app.inject({
        url: `/v1/researchers/${other!.authors[0]!.id}/collaborators?${query}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('invalid_request');
    });
  }

  it('rejects a body that is not valid UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from(JSON.stringify({ ...paper, title: 'caf' }).slice(0, -1)),
      Buffer.from([0xff, 0x7d]),
    ]);
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      headers: { 'content-type': 'application/json' },
      payload: bytes,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/UTF-8/);
    expect(await paperCount()).toBe(1);
  });

  it('rejects malformed JSON', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      headers: { 'content-type': 'application/json' },
      payload: '{"id": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBeTruthy();
  });

  it('rejects a huge body with 413', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, abstract: 'word '.repeat(20_000) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('body_too_large');
  });

  it('rejects a media type it does not read with 415, plain text included', async () => {
    const xml = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      headers: { 'content-type': 'application/xml' },
      payload: '<paper/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('invalid_media_type');
    const text = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toEqual({
      code: 'invalid_media_type',
      message: expect.any(String),
      details: null,
      requestId: text.headers['x-request-id'],
    });
  });

  it('when a single paper misses fields, then the message names those fields, not `papers`', async () => {
    const { title: _t, abstract: _a, year: _y, authors: _au, ...rest } = paper!;
    const response = await t.app.inject({ method: 'POST', url: '/v1/papers', payload: rest });
    expect(response.statusCode).toBe(400);
    const { message, details } = response.json().error;
    for (const field of ['title', 'abstract', 'year', 'authors']) expect(message).toContain(`body.${field}`);
    expect(message).not.toContain('papers');
    expect(details.issues.length).toBe(4);
  });

  it('when a batch has one bad paper, then the message names its field inside `papers`', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { papers: [paper, { ...paper, id: 'ok-2', year: 'soon', venue: 7, title: 5 }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('body.papers.1.year');
  });

  it('every error carries details, null where there are none', async () => {
    const notFound = await t.app.inject({ url: '/v1/nothing-here' });
    // The request id is in the body and the header alike, for support requests and log searches.
    expect(notFound.json().error).toEqual({
      code: 'route_not_found',
      message: expect.any(String),
      details: null,
      requestId: notFound.headers['x-request-id'],
    });
    expect(notFound.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await t.app.inject({ url: '/v1/papers/no-such-paper' });
    expect(missing.json().error.details).toEqual({ kind: 'paper', id: 'no-such-paper' });
  });

  it('names the offending fields', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/papers',
      payload: { ...paper, year: 'soon' },
    });
    const paths = response.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toContain('body.year');
  });
});
