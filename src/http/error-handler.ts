import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../errors.ts';
import { isRedisUnavailable } from '../storage/redis.ts';

type ErrorBody = { error: { code: string; message: string; details: unknown; requestId?: string } };
type Issue = { path: string; message: string; rule?: string };
type RawIssue = {
  code?: string;
  path?: PropertyKey[];
  message: string;
  errors?: unknown[][];
  params?: { rule?: string };
};

/** Turns zod issues (as fastify reports them) into {path, message}, picking the closest union branch. */
function flattenIssues(issues: unknown[], basePath: string): Issue[] {
  return issues.flatMap((raw) => {
    const issue = raw as RawIssue;
    const path = [basePath, ...(issue.path ?? []).map(String)].filter(Boolean).join('.');
    if (issue.code === 'invalid_union' && issue.errors?.length)
      return flattenIssues(closestBranch(issue.errors), path);
    const rule = issue.params?.rule;
    return [{ path, message: issue.message, ...(rule ? { rule } : {}) }];
  });
}

/**
 * The union branch the input was meant for: not one whose own keys the input does not have (a strict
 * branch that found unknown keys at its root), then the one that got deepest, then the fewest issues.
 * So a single paper with missing fields is told about those fields, not about `papers`.
 */
function closestBranch(branches: unknown[][]): unknown[] {
  const issuesOf = (branch: unknown[]) => branch as RawIssue[];
  const foreign = (branch: unknown[]) =>
    issuesOf(branch).some((i) => i.code === 'unrecognized_keys' && (i.path ?? []).length === 0);
  const depth = (branch: unknown[]) => Math.max(...issuesOf(branch).map((i) => (i.path ?? []).length));
  const candidates = branches.filter((branch) => !foreign(branch));
  return [...(candidates.length > 0 ? candidates : branches)].sort(
    (a, b) => depth(b) - depth(a) || a.length - b.length,
  )[0]!;
}

/** FST_ERR_CTP_BODY_TOO_LARGE → body_too_large */
function codeFromFastify(code: string | undefined, fallback: string): string {
  return code ? code.replace(/^FST_ERR_(CTP_)?/, '').toLowerCase() : fallback;
}

/** The body of a typed error: `{ error: { code, message, details, requestId } }`. */
export function errorBody(error: AppError, requestId: string): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details ?? null, requestId } };
}

/** The one place where errors become HTTP responses: `{ error: { code, message, details } }`. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof AppError) {
      status = error.status;
      body = errorBody(error, request.id);
    } else if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? 'request';
      const issues = error.validation.flatMap((v) =>
        flattenIssues(
          [
            {
              ...v.params,
              code: v.keyword,
              message: v.message,
              path: v.instancePath.split('/').filter(Boolean),
            },
          ],
          context,
        ),
      );
      // Well-formed requests whose only fault is an id outside the id alphabet are 422, as the rule says.
      const onlyIds = issues.every((issue) => issue.rule === 'id');
      status = onlyIds ? 422 : 400;
      body = {
        error: {
          code: onlyIds ? 'invalid_id' : 'invalid_request',
          message: `invalid ${context}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          details: { issues },
        },
      };
    } else if (isRedisUnavailable(error)) {
      status = 503;
      body = errorBody(
        new AppError('store_unavailable', 503, 'the data store is unreachable; try again shortly', null),
        request.id,
      );
    } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      body = {
        error: { code: codeFromFastify(error.code, 'bad_request'), message: error.message, details: null },
      };
    } else {
      status = 500;
      request.log.error({ err: error }, 'unhandled error');
      body = { error: { code: 'internal_error', message: 'internal server error', details: null } };
    }
    if (status >= 500 && error instanceof AppError) request.log.warn({ err: error }, error.message);
    body.error.requestId ??= request.id;
    // Every "not now" (store unreachable, embedding queue full) tells the client when to come back.
    if (status === 503) reply.header('retry-after', '1');
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const message = `no route for ${request.method} ${request.url.split('?')[0]}`;
    return reply.status(404).send(errorBody(new AppError('route_not_found', 404, message, null), request.id));
  });
}
