import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ResearchersService } from '../../services/researchers-service.ts';
import { errorResponses, idParams, page, pageQuery } from '../schemas/common.ts';
import {
  profileSchema,
  researcherSearchQuery,
  researchersPageResponse,
  worksResponse,
} from '../schemas/researchers.ts';

export function researchersRoutes(researchers: ResearchersService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/researchers',
      {
        schema: {
          tags: ['researchers'],
          summary: 'Search researchers by name (every word a prefix of a name word), or list them all by id',
          querystring: researcherSearchQuery,
          response: { 200: researchersPageResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { q, limit, offset } = request.query;
        const { items, total } = q
          ? { items: await researchers.searchByName(q, { limit, offset }), total: undefined }
          : await researchers.list({ limit, offset });
        return { items, page: page(limit, offset, items.length, total) };
      },
    );

    app.get(
      '/v1/researchers/:id',
      {
        schema: {
          tags: ['researchers'],
          summary: 'Profile: record, counts, newest works and close collaborators',
          params: idParams,
          response: { 200: profileSchema, ...errorResponses },
        },
      },
      async (request) => researchers.profile(request.params.id),
    );

    app.get(
      '/v1/researchers/:id/papers',
      {
        schema: {
          tags: ['researchers'],
          summary: "A researcher's works, newest first",
          params: idParams,
          querystring: pageQuery,
          response: { 200: worksResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        await researchers.record(request.params.id);
        const { items, total } = await researchers.works(request.params.id, { limit, offset });
        return { items, page: page(limit, offset, items.length, total) };
      },
    );
  };
}
