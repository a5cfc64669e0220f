import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idSchema } from '../../domain/paper.ts';
import { NotFoundError } from '../../errors.ts';
import { type JobQueues, publicJobId } from '../../jobs/queues.ts';
import type { InvitationsService } from '../../services/invitations-service.ts';
import { actingResearcher } from '../auth.ts';
import { errorResponses, idParams, page } from '../schemas/common.ts';
import {
  digestBody,
  emptyBody,
  invitationActionParams,
  invitationParams,
  invitationSchema,
  invitationsQuery,
  invitationsResponse,
  jobParams,
  jobSchema,
  snoozeBody,
} from '../schemas/invitations.ts';

const blockParams = z.object({ id: idSchema, otherId: idSchema });

export function invitationsRoutes(invitations: InvitationsService, queues: JobQueues): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/v1/researchers/:id/invitations',
      {
        config: { access: { owner: 'id' } },
        schema: {
          tags: ['invitations'],
          summary:
            'A researcher’s invitation inbox (suggestions to invite), or incoming invitations with box=incoming',
          params: idParams,
          querystring: invitationsQuery,
          response: { 200: invitationsResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { status, box, limit, offset } = request.query;
        const { items, total } = await invitations.list(request.params.id, {
          box,
          status,
          page: { limit, offset },
        });
        return { items, page: page(limit, offset, items.length, total) };
      },
    );

    for (const method of ['PUT', 'DELETE'] as const) {
      app.route({
        method,
        url: '/v1/researchers/:id/blocked/:otherId',
        config: { access: { owner: 'id' } },
        schema: {
          tags: ['invitations'],
          summary: method === 'PUT' ? 'Block someone from suggestions and invitations' : 'Lift a block',
          params: blockParams,
          response: { 200: z.object({ blocked: z.boolean() }), ...errorResponses },
        },
        handler: async (request) =>
          invitations.setBlocked(request.params.id, request.params.otherId, method === 'PUT'),
      });
    }

    app.get(
      '/v1/invitations/:id',
      {
        config: { access: 'researcher' },
        schema: {
          tags: ['invitations'],
          summary:
            'One invitation (a researcher token reads only invitations it is the recipient or candidate of)',
          params: invitationParams,
          response: { 200: invitationSchema, ...errorResponses },
        },
      },
      async (request) => invitations.get(request.params.id, actingResearcher(request)),
    );

    app.post(
      '/v1/invitations/:id/:action',
      {
        config: { access: 'researcher' },
        schema: {
          tags: ['invitations'],
          summary:
            'send (the recipient invites the candidate), dismiss (the recipient; cooldown), accept or decline (the candidate). No body, or {}',
          params: invitationActionParams,
          body: emptyBody.optional(),
          response: { 200: invitationSchema, ...errorResponses },
        },
      },
      async (request) =>
        invitations.act(request.params.id, request.params.action, { actor: actingResearcher(request) }),
    );

    app.post(
      '/v1/invitations/:id/snooze',
      {
        config: { access: 'researcher' },
        schema: {
          tags: ['invitations'],
          summary: 'Snooze a suggestion until a time in the future: { until }',
          params: invitationParams,
          body: snoozeBody,
          response: { 200: invitationSchema, ...errorResponses },
        },
      },
      async (request) =>
        invitations.act(request.params.id, 'snooze', {
          snoozeUntil: Date.parse(request.body.until),
          actor: actingResearcher(request),
        }),
    );

    app.post(
      '/v1/invitations/digest',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['invitations'],
          summary:
            'Run the invitation digest of the current period now for every claimed researcher whose digest is not complete (the scheduler runs it weekly); a past period only with backfill: true',
          body: digestBody.default({ backfill: false }),
          response: { 202: z.object({ jobId: z.string(), period: z.string() }), ...errorResponses },
        },
      },
      async (request, reply) => reply.status(202).send(await invitations.startDigest(request.body)),
    );

    app.get(
      '/v1/jobs/:id',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['jobs'],
          summary: 'A background job created through the API',
          params: jobParams,
          response: { 200: jobSchema, ...errorResponses },
        },
      },
      async (request) => {
        const job = await queues.findJob(request.params.id);
        if (!job) throw new NotFoundError('job', request.params.id);
        return {
          id: publicJobId(job),
          name: job.name,
          queue: job.queueName,
          state: await job.getState(),
          data: job.data,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? null,
          returnValue: job.returnvalue ?? null,
          timestamp: job.timestamp,
          finishedOn: job.finishedOn ?? null,
        };
      },
    );
  };
}
