import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Paper } from '../../domain/paper.ts';
import type { PapersService } from '../../services/papers-service.ts';
import { errorResponses, idParams, page, pageQuery } from '../schemas/common.ts';
import {
  ingestBody,
  ingestResponse,
  paperRecordSchema,
  papersPageResponse,
  recommendBody,
  scoredPapersResponse,
  similarQuery,
  similarTextBody,
} from '../schemas/papers.ts';

export function papersRoutes(papers: PapersService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/papers',
      {
        config: { access: 'admin', cost: 'expensive' },
        schema: {
          tags: ['papers'],
          summary: 'Store one paper or a batch ({ papers: [...] }); idempotent on paper id',
          body: ingestBody,
          response: { 200: ingestResponse, ...errorResponses },
        },
      },
      async (request) => {
        const batch: Paper[] = 'papers' in request.body ? request.body.papers : [request.body];
        const items = await papers.ingest(batch);
        const counts = { created: 0, updated: 0, unchanged: 0 };
        for (const item of items) counts[item.status] += 1;
        return { items, counts };
      },
    );

    app.get(
      '/v1/papers',
      {
        config: { access: 'read' },
        schema: {
          tags: ['papers'],
          summary: 'All stored papers, by id',
          querystring: pageQuery,
          response: { 200: papersPageResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        const { items, total } = await papers.list({ limit, offset });
        return { items, page: page(limit, offset, items.length, total) };
      },
    );

    app.get(
      '/v1/papers/:id',
      {
        config: { access: 'read' },
        schema: {
          tags: ['papers'],
          summary: 'One stored paper, with its reference and citation counts',
          params: idParams,
          response: { 200: paperRecordSchema, ...errorResponses },
        },
      },
      async (request) => papers.get(request.params.id),
    );

    for (const [path, direction, summary] of [
      ['/v1/papers/:id/references', 'cites', 'The stored papers this paper cites, newest first'],
      ['/v1/papers/:id/citations', 'citedBy', 'The stored papers citing this paper, newest first'],
    ] as const) {
      app.get(
        path,
        {
          config: { access: 'read' },
          schema: {
            tags: ['papers'],
            summary,
            params: idParams,
            querystring: pageQuery,
            response: { 200: papersPageResponse, ...errorResponses },
          },
        },
        async (request) => {
          const { limit, offset } = request.query;
          const { items, total } = await papers.citationPage(request.params.id, direction, { limit, offset });
          return { items, page: page(limit, offset, items.length, total) };
        },
      );
    }

    app.delete(
      '/v1/papers/:id',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['papers'],
          summary: 'Delete a paper (its author links go with it; researcher records stay)',
          params: idParams,
          response: { 204: z.null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        await papers.delete(request.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/v1/papers/:id/similar',
      {
        config: { access: 'read' },
        schema: {
          tags: ['papers'],
          summary: 'Nearest papers to a stored paper (never the paper itself), by cosine similarity',
          params: idParams,
          querystring: similarQuery,
          response: { 200: scoredPapersResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset, yearFrom, yearTo, venue, excludeSameAuthors } = request.query;
        const items = await papers.similarToPaper(request.params.id, {
          page: { limit, offset },
          filters: { yearFrom, yearTo, venues: venue },
          excludeSameAuthors,
        });
        return { items, page: page(limit, offset, items.length) };
      },
    );

    app.post(
      '/v1/papers/similar',
      {
        config: { access: 'read', cost: 'expensive' },
        schema: {
          tags: ['papers'],
          summary: 'Nearest stored papers to a pasted abstract (with an optional title)',
          body: similarTextBody,
          response: { 200: scoredPapersResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { title, abstract, text, limit, offset, filters } = request.body;
        const items = await papers.similarToText(
          { title, abstract: (abstract ?? text)! },
          { page: { limit, offset }, filters },
        );
        return { items, page: page(limit, offset, items.length) };
      },
    );

    app.post(
      '/v1/papers/recommend',
      {
        config: { access: 'read' },
        schema: {
          tags: ['papers'],
          summary: 'Papers like the positive examples and unlike the negative ones',
          body: recommendBody,
          response: { 200: scoredPapersResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { positive, negative, limit, offset, filters } = request.body;
        const items = await papers.recommend({ positive, negative, page: { limit, offset }, filters });
        return { items, page: page(limit, offset, items.length) };
      },
    );
  };
}
