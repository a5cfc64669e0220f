import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializerCompiler } from '../../src/http/response-serializer.ts';
import { scoredPapersResponse } from '../../src/http/schemas/papers.ts';

const compile = (schema: z.ZodType) =>
  responseSerializerCompiler({ schema, method: 'GET', url: '/test', httpStatus: '200' });

describe('response bodies', () => {
  it('write what the zod schema would, and nothing it does not name', () => {
    const paper = {
      id: 'p1',
      title: 'Dialogue state tracking',
      abstract: 'We track dialogue states.',
      year: 2021,
      venue: 'acl',
      authors: [{ id: 'a1', name: 'Ada', internalNote: 'not for callers' }],
      keywords: ['dialogue'],
      vector: [0.1, 0.2],
    };
    const body = {
      items: [{ paper, score: 0.5, debug: true }],
      page: { limit: 10, offset: 0, total: null, nextOffset: null },
    };
    const written = compile(scoredPapersResponse)(body);
    expect(JSON.parse(written)).toEqual(z.encode(scoredPapersResponse, body as never));
    expect(written).not.toContain('internalNote');
    expect(written).not.toContain('vector');
    expect(written).not.toContain('debug');
  });

  it('refuses a body that lacks what the schema requires', () => {
    expect(() => compile(scoredPapersResponse)({ items: [] })).toThrow();
  });
});
