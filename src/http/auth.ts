import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors as joseErrors, jwtVerify } from 'jose';
import type { Config, Scope } from '../config.ts';
import { idSchema } from '../domain/paper.ts';
import { AppError, ForbiddenError, UnauthorizedError } from '../errors.ts';
import { errorBody } from './error-handler.ts';

/** Who is calling: a platform API key with its scopes, a signed-in researcher, or nobody. */
export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'key'; id: string; scopes: ReadonlySet<Scope> }
  | { kind: 'researcher'; id: string };

/**
 * Who may call a route: anyone; a key with the read or admin scope; the researcher named by a path
 * parameter (or an admin key); or any researcher, the use-case checking which object is theirs (or
 * an admin key).
 */
export type Access = 'public' | 'read' | 'admin' | 'metrics' | { owner: string } | 'researcher';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

export const API_KEY_HEADER = 'x-api-key';
const ADMIN_ON_EVERYTHING: Principal = {
  kind: 'key',
  id: 'auth-disabled',
  scopes: new Set<Scope>(['admin', 'read']),
};

/** The researcher a request acts for, when it carries a researcher token (else null: a platform key). */
export function actingResearcher(request: FastifyRequest): string | null {
  return request.principal.kind === 'researcher' ? request.principal.id : null;
}

/** Turns the credentials of a request into a principal; bad credentials are a 401. */
export class Authenticator {
  private readonly keys: { digest: Buffer; id: string; scopes: ReadonlySet<Scope> }[];
  private readonly tokenKey: Uint8Array | null;

  constructor(private readonly auth: Config['auth']) {
    // A key is known by the start of its digest (budgets, metrics, logs), never by the key itself.
    this.keys = auth.apiKeys.map((k) => ({
      digest: Buffer.from(k.sha256, 'hex'),
      id: k.sha256.slice(0, 12),
      scopes: new Set(k.scopes),
    }));
    this.tokenKey = auth.researcherTokens ? new TextEncoder().encode(auth.researcherTokens.secret) : null;
  }

  async principalOf(headers: FastifyRequest['headers']): Promise<Principal> {
    if (this.auth.disabled) return ADMIN_ON_EVERYTHING;
    const key = headers[API_KEY_HEADER];
    if (typeof key === 'string' && key.length > 0) return this.keyPrincipal(key);
    const authorization = headers.authorization;
    if (typeof authorization === 'string' && /^bearer /i.test(authorization)) {
      return this.researcherPrincipal(authorization.slice('bearer '.length).trim());
    }
    return { kind: 'anonymous' };
  }

  /** Compares the key's digest with every configured one in constant time. */
  private keyPrincipal(key: string): Principal {
    const digest = createHash('sha256').update(key).digest();
    let found: { id: string; scopes: ReadonlySet<Scope> } | null = null;
    for (const candidate of this.keys) if (timingSafeEqual(candidate.digest, digest)) found = candidate;
    if (!found) throw new UnauthorizedError('unknown API key');
    return { kind: 'key', id: found.id, scopes: found.scopes };
  }

  private async researcherPrincipal(token: string): Promise<Principal> {
    const settings = this.auth.researcherTokens;
    if (!settings || !this.tokenKey) throw new UnauthorizedError('researcher tokens are not accepted here');
    try {
      const { payload } = await jwtVerify(token, this.tokenKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ['HS256'],
        requiredClaims: ['exp', 'sub'],
      });
      const id = idSchema.safeParse(payload.sub);
      if (!id.success) throw new UnauthorizedError('the token does not name a researcher');
      return { kind: 'researcher', id: id.data };
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      const expired = error instanceof joseErrors.JWTExpired;
      throw new UnauthorizedError(
        expired ? 'the researcher token has expired' : 'the researcher token is not valid',
      );
    }
  }
}

/** Whether a principal may call a route of this access; throws 401 (no credential) or 403. */
export function authorize(principal: Principal, access: Access, params: Record<string, string>): void {
  if (access === 'public') return;
  if (principal.kind === 'anonymous') {
    throw new UnauthorizedError(
      `send an API key in ${API_KEY_HEADER}, or a researcher token as Authorization: Bearer`,
    );
  }
  const isAdmin = principal.kind === 'key' && principal.scopes.has('admin');
  if (access === 'admin' || access === 'read' || access === 'metrics') {
    // admin includes read: a platform's admin key can also read.
    if (principal.kind === 'key' && (principal.scopes.has(access) || isAdmin)) return;
    throw new ForbiddenError(`this needs an API key with the ${access} scope`, { needs: access });
  }
  if (isAdmin) return;
  if (principal.kind !== 'researcher') {
    throw new ForbiddenError('this needs the researcher’s own token or an admin key', {
      needs: 'researcher',
    });
  }
  if (access === 'researcher') return;
  if (params[access.owner] !== principal.id) {
    throw new ForbiddenError('a researcher token acts only on that researcher’s own records', {
      researcherId: principal.id,
    });
  }
}

/** OpenAPI security requirements of an access rule. */
function securityOf(access: Access): Record<string, string[]>[] {
  if (access === 'public') return [];
  if (access === 'read' || access === 'admin' || access === 'metrics') return [{ apiKey: [] }];
  return [{ apiKey: [] }, { researcherToken: [] }];
}

export const securitySchemes = {
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: API_KEY_HEADER,
    description: 'A platform API key (scopes admin, read)',
  },
  researcherToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A short-lived token the platform mints for a signed-in researcher (HS256, sub = researcher id)',
  },
} as const;

/**
 * Every route declares who may call it (`config.access`); a route without one (bull-board, the
 * OpenAPI UI unless DOCS_PUBLIC) is for admin keys. Registered before the routes.
 */
export function registerAuth(app: FastifyInstance, auth: Config['auth']): void {
  const authenticator = new Authenticator(auth);
  const accessOf = (config: { access?: Access } | undefined, url: string): Access =>
    config?.access ?? (auth.docsPublic && url.startsWith('/docs') ? 'public' : 'admin');
  app.decorateRequest('principal', null as never);
  app.addHook('onRoute', (route) => {
    const access = accessOf(route.config as { access?: Access } | undefined, route.url);
    if (route.schema && !route.schema.hide) route.schema = { ...route.schema, security: securityOf(access) };
  });
  app.addHook('onRequest', async (request, reply) => {
    const url = request.routeOptions.url;
    // Unknown routes answer 404 to anyone, public ones ignore credentials; everything else is
    // checked here, before the body is read or validated.
    const access = url === undefined ? 'public' : accessOf(request.routeOptions.config, url);
    try {
      request.principal =
        access === 'public' ? { kind: 'anonymous' } : await authenticator.principalOf(request.headers);
      authorize(request.principal, access, request.params as Record<string, string>);
    } catch (error) {
      // Answered here, so that plugins with error handlers of their own (bull-board) answer the same.
      if (!(error instanceof AppError)) throw error;
      return reply.status(error.status).send(errorBody(error, request.id));
    }
  });
}
