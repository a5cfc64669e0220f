import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { NeighbourhoodService } from '../../services/neighbourhood-service.ts';
import {
  graphQuery,
  graphResponse,
  relatedPapersQuery,
  relatedPapersResponse,
  similarResearchersResponse,
} from '../schemas/collaborators.ts';
import { errorResponses, idParams, page, pageQuery } from '../schemas/common.ts';

/** What a profile page shows around a researcher: related papers, similar researchers, the graph slice. */
export function neighbourhoodRoutes(neighbourhood: NeighbourhoodService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/researchers/:id/related-papers',
      {
        config: { access: 'read' },
        schema: {
          tags: ['neighbourhood'],
          summary: "Papers near the researcher's interests that are not their own",
          params: idParams,
          querystring: relatedPapersQuery,
          response: { 200: relatedPapersResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset, yearFrom, yearTo, excludeSeen } = request.query;
        const items = await neighbourhood.relatedPapers(request.params.id, {
          page: { limit, offset },
          yearFrom,
          yearTo,
          excludeSeen,
        });
        return { items, page: page(limit, offset, items.length) };
      },
    );

    app.get(
      '/v1/researchers/:id/similar',
      {
        config: { access: 'read' },
        schema: {
          tags: ['neighbourhood'],
          summary: 'Researchers with similar topics, regardless of the co-author graph',
          params: idParams,
          querystring: pageQuery,
          response: { 200: similarResearchersResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        const items = await neighbourhood.similarResearchers(request.params.id, { limit, offset });
        return { items, page: page(limit, offset, items.length) };
      },
    );

    app.get(
      '/v1/researchers/:id/graph',
      {
        config: { access: 'read', cost: 'expensive-when-deep' },
        schema: {
          tags: ['neighbourhood'],
          summary:
            'The research graph slice of a profile: papers, people, topics, institutions and typed edges',
          params: idParams,
          querystring: graphQuery,
          response: { 200: graphResponse, ...errorResponses },
        },
      },
      async (request) => neighbourhood.graphSlice(request.params.id, request.query),
    );
  };
}
