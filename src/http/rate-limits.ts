import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { RateLimitedError } from '../errors.ts';
import type { Redis } from '../storage/redis.ts';
import type { Access } from './auth.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'expensive': embeds text or ranks; 'expensive-when-deep': only at graph depth 2. */
    cost?: 'expensive' | 'expensive-when-deep';
  }
}

/** Whom a budget belongs to: the API key, the researcher, or (without a credential) the address. */
function budgetKey(request: FastifyRequest): string {
  const principal = request.principal;
  if (principal?.kind === 'key') return `key:${principal.id}`;
  if (principal?.kind === 'researcher') return `researcher:${principal.id}`;
  return `ip:${request.ip}`;
}

/**
 * Rate limits per credential and route, counted in Redis so they hold across API replicas; routes
 * that embed text or rank get a separate, smaller budget. A 429 carries Retry-After and the
 * RateLimit-* headers and the usual error shape. Public routes (health) are not limited. When Redis
 * is unreachable the limits step aside: the request then gets the store's own 503.
 *
 * The counts go through the app's own connection, which sends each command as it comes (see
 * createStorage): one script call per request.
 */
export async function registerRateLimits(
  app: FastifyInstance,
  redis: Redis,
  keyPrefix: string,
  limits: Config['http']['rateLimit'],
  onLimited: () => void,
): Promise<void> {
  app.addHook('onRoute', (route) => {
    const routeConfig = (route.config ?? {}) as { access?: Access; cost?: string; rateLimit?: unknown };
    if (routeConfig.access === 'public') routeConfig.rateLimit = false;
    else if (routeConfig.cost === 'expensive') routeConfig.rateLimit = { max: limits.expensiveMax };
    else if (routeConfig.cost === 'expensive-when-deep') {
      routeConfig.rateLimit = {
        max: (request: FastifyRequest) =>
          String((request.query as { depth?: string }).depth) === '2' ? limits.expensiveMax : limits.max,
      };
    }
    route.config = routeConfig as typeof route.config;
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.max,
    timeWindow: limits.windowMs,
    redis,
    nameSpace: `{${keyPrefix}}:rate-limit:`,
    skipOnError: true,
    // While Redis is away the limits step aside at once (no command waits for it): the request then
    // gets the store's own 503 quickly.
    allowList: () => redis.status !== 'ready',
    keyGenerator: budgetKey,
    enableDraftSpec: true,
    errorResponseBuilder: (_request, context) => {
      onLimited();
      return new RateLimitedError(
        `too many requests: at most ${context.max} per window; retry in ${context.after}`,
        {
          limit: context.max,
          retryAfter: context.after,
        },
      );
    },
  });
}
