import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { errorResponses } from '../schemas/common.ts';

/** Prometheus metrics, for keys with the metrics (or admin) scope. */
export function metricsRoute(registry: Registry, collect: () => Promise<void>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/metrics',
      {
        config: { access: 'metrics' },
        schema: {
          tags: ['health'],
          summary:
            'Prometheus metrics: HTTP latency by route and status, embedding time and queue, index size and lag, queue depths, cache hits, rate-limit rejections',
          response: { 200: z.string(), ...errorResponses },
        },
      },
      async (_request, reply) => {
        await collect();
        return reply.type(registry.contentType).send(await registry.metrics());
      },
    );
  };
}
