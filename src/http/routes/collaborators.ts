import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CollaboratorOptions } from '../../recommend/collaborator-ranking.ts';
import type { CachedCollaborators } from '../../services/cached-collaborators.ts';
import { collaboratorsQuery, suggestBody, suggestionsResponse } from '../schemas/collaborators.ts';
import { errorResponses, idParams, page } from '../schemas/common.ts';

/** Options as the ranking takes them: offset is served by ranking deeper and skipping. */
function rankingOptions(o: {
  limit: number;
  offset: number;
  novelty: number;
  diversity: number;
  activeSince?: number;
  openToCollaborateOnly: boolean;
  excludeIds?: string[];
  excludeInstitutions?: string[];
  excludeCoauthors?: boolean;
}): CollaboratorOptions {
  return {
    limit: o.limit + o.offset,
    novelty: o.novelty,
    diversity: o.diversity,
    activeSince: o.activeSince,
    openToCollaborateOnly: o.openToCollaborateOnly,
    excludeIds: o.excludeIds ?? [],
    excludeInstitutions: o.excludeInstitutions ?? [],
    excludeCoauthors: o.excludeCoauthors ?? true,
  };
}

/** The options a list was ranked with, defaults filled in, so a client can show (and vary) them. */
function appliedOptions(o: CollaboratorOptions) {
  return {
    novelty: o.novelty,
    diversity: o.diversity,
    excludeCoauthors: o.excludeCoauthors,
    openToCollaborateOnly: o.openToCollaborateOnly,
  };
}

export function collaboratorsRoutes(
  collaborators: CachedCollaborators,
  requestTraining: () => Promise<string>,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/researchers/:id/collaborators',
      {
        config: { access: 'read', cost: 'expensive' },
        schema: {
          tags: ['collaborators'],
          summary: 'Suggested collaborators with the evidence for each',
          params: idParams,
          querystring: collaboratorsQuery,
          response: { 200: suggestionsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { limit, offset } = request.query;
        const options = rankingOptions(request.query);
        const result = await collaborators.suggestForResearcher(request.params.id, options);
        const items = result.items.slice(offset);
        return {
          items,
          method: result.method,
          options: appliedOptions(options),
          computedAt: result.computedAt ?? null,
          page: page(limit, offset, items.length),
        };
      },
    );

    app.post(
      '/v1/collaborators/suggest',
      {
        config: { access: 'read', cost: 'expensive' },
        schema: {
          tags: ['collaborators'],
          summary: 'Cold start: suggested collaborators for free text and/or a few stored papers, by topic',
          body: suggestBody,
          response: { 200: suggestionsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { text, paperIds, options } = request.body;
        const ranking = rankingOptions(options);
        const result = await collaborators.suggestForText({ text, paperIds }, ranking);
        const items = result.items.slice(options.offset);
        return {
          items,
          method: result.method,
          options: appliedOptions(ranking),
          computedAt: null,
          page: page(options.limit, options.offset, items.length),
        };
      },
    );

    app.post(
      '/v1/ranking-model/train',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['collaborators'],
          summary:
            'Learn the collaborator ranking weights from the stored data again (a background job; the worker also retrains when the store grows)',
          response: { 202: z.object({ jobId: z.string() }), ...errorResponses },
        },
      },
      async (_request, reply) => reply.status(202).send({ jobId: await requestTraining() }),
    );
  };
}
