import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

const readySchema = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.boolean()) });

export function healthRoutes(readiness: ReadinessCheck): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary: 'The process is alive',
          response: { 200: z.object({ ok: z.boolean() }) },
        },
      },
      async () => ({ ok: true }),
    );

    app.get(
      '/readyz',
      {
        config: { access: 'public' },
        schema: {
          tags: ['health'],
          summary:
            'Ready: Redis reachable, model loaded, paper index in sync (and, on the worker, its queues running)',
          response: { 200: readySchema, 503: readySchema },
        },
      },
      async (_request, reply) => {
        const checks = await readiness();
        const ready = Object.values(checks).every(Boolean);
        return reply.status(ready ? 200 : 503).send({ ready, checks });
      },
    );
  };
}
