import { z } from 'zod';
import { idSchema, paperInputSchema, paperSchema } from '../../domain/paper.ts';
import {
  booleanQuery,
  listQuery,
  MAX_PAGE_LIMIT,
  MAX_RESULT_DEPTH,
  pageSchema,
  rankedPageQuery,
  yearSchema,
} from './common.ts';

const rankedPageBody = {
  limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(10),
  offset: z.number().int().min(0).max(MAX_RESULT_DEPTH).default(0),
};

export const ingestBody = z.union([
  z.object({ papers: z.array(paperInputSchema).min(1) }).strict(),
  paperInputSchema,
]);

export const ingestResponse = z.object({
  items: z.array(
    z.object({ id: z.string(), status: z.enum(['created', 'updated', 'unchanged']), paper: paperSchema }),
  ),
  counts: z.object({ created: z.number(), updated: z.number(), unchanged: z.number() }),
});

const yearRange = <T extends { yearFrom?: number; yearTo?: number }>(value: T) =>
  value.yearFrom === undefined || value.yearTo === undefined || value.yearFrom <= value.yearTo;
const yearRangeMessage = { message: 'yearFrom must not be after yearTo', path: ['yearFrom'] };

export const filtersSchema = z
  .object({
    yearFrom: yearSchema.optional(),
    yearTo: yearSchema.optional(),
    venues: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    excludeIds: z.array(idSchema).max(1000).optional(),
    excludeAuthorIds: z.array(idSchema).max(1000).optional(),
  })
  .strict()
  .refine(yearRange, yearRangeMessage);

export const similarQuery = rankedPageQuery
  .extend({
    yearFrom: yearSchema.optional(),
    yearTo: yearSchema.optional(),
    venue: listQuery.optional(),
    excludeSameAuthors: booleanQuery.default(false),
  })
  .refine(yearRange, yearRangeMessage);

export const similarTextBody = z
  .object({
    title: z.string().trim().min(1).max(1000).optional(),
    abstract: z.string().trim().min(1).max(20_000).optional(),
    text: z.string().trim().min(1).max(20_000).optional(),
    ...rankedPageBody,
    filters: filtersSchema.default({}),
  })
  .strict()
  .refine((b) => (b.abstract === undefined) !== (b.text === undefined), {
    message: 'give exactly one of abstract or text',
    path: ['abstract'],
  });

export const recommendBody = z
  .object({
    positive: z.array(idSchema).min(1).max(100),
    negative: z.array(idSchema).max(100).default([]),
    ...rankedPageBody,
    filters: filtersSchema.default({}),
  })
  .strict();

export const scoredPapersResponse = z.object({
  items: z.array(z.object({ paper: paperSchema, score: z.number() })),
  page: pageSchema,
});

export const papersPageResponse = z.object({ items: z.array(paperSchema), page: pageSchema });

export const paperRecordSchema = paperSchema.extend({
  /** References listed, those that name a stored paper, and stored papers citing this one. */
  counts: z.object({ references: z.number(), referencesInStore: z.number(), citations: z.number() }),
});
