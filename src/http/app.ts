import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContainer } from '../container.ts';
import { AppError, InvalidInputError } from '../errors.ts';
import { requestTraining } from '../services/training-requests.ts';
import { registerAuth, securitySchemes } from './auth.ts';
import { errorBody, registerErrorHandler } from './error-handler.ts';
import { registerRateLimits } from './rate-limits.ts';
import { responseSerializerCompiler } from './response-serializer.ts';
import { adminRoutes } from './routes/admin.ts';
import { collaboratorsRoutes } from './routes/collaborators.ts';
import { explorerRoutes } from './routes/explorer.ts';
import { healthRoutes } from './routes/health.ts';
import { invitationsRoutes } from './routes/invitations.ts';
import { metricsRoute } from './routes/metrics.ts';
import { neighbourhoodRoutes } from './routes/neighbourhood.ts';
import { papersRoutes } from './routes/papers.ts';
import { researchersRoutes } from './routes/researchers.ts';
import { malformedStringPath } from './well-formed.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MALFORMED_MESSAGE =
  'strings must be well-formed Unicode (this one holds a lone surrogate such as \\ud800)';

/** Builds the HTTP app without listening; tests call app.inject(), server.ts listens. */
export async function buildApp(container: AppContainer): Promise<FastifyInstance> {
  const { config } = container;
  const { requestTimeoutMs, connectionTimeoutMs } = config.http;
  const app = Fastify({
    loggerInstance: container.logger as FastifyBaseLogger,
    // A caller's x-request-id is kept (tracing across services), else one is made; it is in every log
    // line of the request (reqId), in the x-request-id response header and in error bodies.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Ids are up to 200 characters, percent-encoded up to 9 bytes each in paths.
    routerOptions: { maxParamLength: 2000 },
    // Malformed URLs and the like are answered in the error shape too.
    frameworkErrors: (error, request, reply) => {
      const body = errorBody(new AppError('bad_request', 400, error.message, null), request.id);
      (reply as unknown as FastifyReply).code(400).type('application/json').send(JSON.stringify(body));
    },
    bodyLimit: config.limits.bodyLimitBytes,
    // A client that sends less than it announced, or nothing at all, is cut off (408 or close)
    // instead of holding a connection for minutes.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    http: {
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandler(app);

  // JSON bodies must be valid UTF-8: the default parser would quietly replace bad bytes with U+FFFD.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // Every body is JSON: plain text is an unsupported media type (415) like any other.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new InvalidInputError('the request body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, (error, parsed) => {
      const malformed = error ? null : malformedStringPath(parsed);
      if (malformed) {
        done(new InvalidInputError(MALFORMED_MESSAGE, { path: `body.${malformed}` }), undefined);
        return;
      }
      done(error, parsed);
    });
  });
  // Query strings and path parameters obey the same rule as bodies.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['query', request.query],
      ['params', request.params],
    ] as const) {
      const malformed = malformedStringPath(value);
      if (malformed) throw new InvalidInputError(MALFORMED_MESSAGE, { path: `${part}.${malformed}` });
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (config.http.corsOrigins.length > 0) await app.register(cors, { origin: config.http.corsOrigins });
  registerAuth(app, config.auth);
  const { metrics } = container;
  await registerRateLimits(app, container.redis, config.keyPrefix, config.http.rateLimit, () =>
    metrics.rateLimited.inc(),
  );
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    metrics.http.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // Readable, stable operation ids for generated clients: GET /v1/researchers/:id/collaborators
  // → getResearchersByIdCollaborators.
  app.addHook('onRoute', (route) => {
    if (route.schema && !route.schema.hide && !route.schema.operationId) {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      route.schema = { ...route.schema, operationId: operationIdOf(methods[0]!, route.url) };
    }
  });
  await app.register(swagger, {
    openapi: {
      servers: [{ url: '/', description: 'this PeerScout server' }],
      components: { securitySchemes },
      info: {
        title: 'PeerScout API',
        version: '1',
        description:
          'Suggested collaborators, similar papers and invitation suggestions for research platforms.',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes(() => container.readiness()));
  await app.register(metricsRoute(container.metrics.registry, () => container.collectMetrics()));
  await app.register(papersRoutes(container.services.papers));
  await app.register(
    researchersRoutes(container.services.researchers, async (id) => {
      const [jobId] = await container.services.refresh.request([id], 'on-demand');
      return jobId!;
    }),
  );
  await app.register(invitationsRoutes(container.services.invitations, container.queues));
  await app.register(adminRoutes(container.queues));
  await app.register(
    collaboratorsRoutes(container.services.collaborators, () =>
      requestTraining(container.queues, 'on-demand'),
    ),
  );
  await app.register(neighbourhoodRoutes(container.services.neighbourhood));
  await app.register(explorerRoutes());
  return app;
}

/** `GET /v1/researchers/:id/collaborators` → `getResearchersByIdCollaborators`. */
function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((part) => part && part !== 'v1')
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}
