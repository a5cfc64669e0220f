import { z } from 'zod';
import { idSchema } from '../../domain/paper.ts';

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
    /** The request's id, also in the x-request-id header and every log line of the request. */
    requestId: z.string().optional(),
  }),
});

/** Error responses every route may give. */
export const errorResponses = {
  400: errorSchema,
  404: errorSchema,
  409: errorSchema,
  413: errorSchema,
  415: errorSchema,
  422: errorSchema,
  503: errorSchema,
};

export const idParams = z.object({ id: idSchema });

export const MAX_PAGE_LIMIT = 100;
export const MAX_RESULT_DEPTH = 1000;

/**
 * A number given as a query value (or as a JSON number). A blank or non-numeric string is an error,
 * not 0 as with z.coerce.number(), which reads ' ' as 0.
 */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, 'a number')
    .transform(Number),
]);
export function queryNumber<T extends z.ZodType<number, number>>(inner: T) {
  return numeric.pipe(inner);
}

export const pageQuery = z.object({
  limit: queryNumber(z.number().int().min(1).max(MAX_PAGE_LIMIT)).default(20),
  offset: queryNumber(z.number().int().min(0).max(1_000_000)).default(0),
});

/** Ranked lists (similar papers) are only ranked so deep. */
export const rankedPageQuery = z.object({
  limit: queryNumber(z.number().int().min(1).max(MAX_PAGE_LIMIT)).default(10),
  offset: queryNumber(z.number().int().min(0).max(MAX_RESULT_DEPTH)).default(0),
});

/** Every list's page: `total` is null for ranked lists, whose length is not counted. */
export const pageSchema = z.object({
  limit: z.number(),
  offset: z.number(),
  total: z.number().nullable(),
  nextOffset: z.number().nullable(),
});

export function page(limit: number, offset: number, returned: number, total?: number) {
  const more = total === undefined ? returned === limit : offset + returned < total;
  return { limit, offset, total: total ?? null, nextOffset: more ? offset + returned : null };
}

export const booleanQuery = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A list given as repeated parameters or comma-separated values. */
export const listQuery = z.union([z.string(), z.array(z.string())]).transform((value) =>
  (Array.isArray(value) ? value : [value])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean),
);

export const yearSchema = queryNumber(z.number().int().min(1800).max(2100));
