import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ResearchersService } from '../../services/researchers-service.ts';
import { errorResponses, idParams, page, pageQuery } from '../schemas/common.ts';
import {
  claimBody,
  followerParams,
  followersResponse,
  profilePatchBody,
  profileSchema,
  researcherSchema,
  researcherSearchQuery,
  researchersPageResponse,
  worksResponse,
} from '../schemas/researchers.ts';

export function researchersRoutes(
  researchers: ResearchersService,
  requestRefresh: (id: string) => Promise<string>,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v1/researchers/:id/claim',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['researchers'],
          summary: 'Link an author record to a platform account (409 when another account holds it)',
          params: idParams,
          body: claimBody,
          response: { 200: researcherSchema, ...errorResponses },
        },
      },
      async (request) => researchers.claim(request.params.id, request.body.accountId),
    );

    app.delete(
      '/v1/researchers/:id/claim',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['researchers'],
          summary:
            'Unlink the record from the account that claimed it; invitations naming them are withdrawn',
          params: idParams,
          querystring: claimBody,
          response: { 200: researcherSchema, ...errorResponses },
        },
      },
      async (request) => researchers.unclaim(request.params.id, request.query.accountId),
    );

    app.patch(
      '/v1/researchers/:id',
      {
        config: { access: { owner: 'id' } },
        schema: {
          tags: ['researchers'],
          summary:
            'Change openToCollaborate, interests, affiliations, verificationLevel or invitationsPerPeriod',
          params: idParams,
          body: profilePatchBody,
          response: { 200: researcherSchema, ...errorResponses },
        },
      },
      async (request) => researchers.updateProfile(request.params.id, request.body),
    );

    for (const method of ['PUT', 'DELETE'] as const) {
      app.route({
        method,
        url: '/v1/researchers/:id/followers/:followerId',
        // The follower acts: their own token, or an admin key.
        config: { access: { owner: 'followerId' } },
        schema: {
          tags: ['researchers'],
          summary: method === 'PUT' ? 'Follow a researcher' : 'Stop following a researcher',
          params: followerParams,
          response: { 200: followersResponse, ...errorResponses },
        },
        handler: async (request) =>
          researchers.setFollower(request.params.id, request.params.followerId, method === 'PUT'),
      });
    }

    app.post(
      '/v1/researchers/:id/refresh',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['researchers'],
          summary: 'Recompute the cached suggestions of a researcher now (a background job)',
          params: idParams,
          response: { 202: z.object({ jobId: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        await researchers.record(request.params.id);
        return reply.status(202).send({ jobId: await requestRefresh(request.params.id) });
      },
    );

    app.get(
      '/v1/researchers',
      {
        config: { access: 'read' },
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
        config: { access: 'read' },
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
        config: { access: 'read' },
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
