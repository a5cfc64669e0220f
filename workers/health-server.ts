import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { healthRoutes, type ReadinessCheck } from '../src/http/routes/health.ts';

/**
 * The worker's own /healthz and /readyz (for container health checks): the same routes as the API's,
 * on 127.0.0.1-or-HOST:WORKER_HEALTH_PORT, nothing else.
 */
export async function startHealthServer(
  host: string,
  port: number,
  readiness: ReadinessCheck,
): Promise<FastifyInstance | null> {
  if (port === 0) return null;
  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(healthRoutes(readiness));
  await app.listen({ host, port });
  return app;
}
