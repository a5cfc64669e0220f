import { z } from 'zod';
import { idSchema, paperSchema } from '../../domain/paper.ts';
import { DEFAULT_DIVERSITY } from '../../recommend/collaborator-ranking.ts';
import { booleanQuery, listQuery, pageSchema, queryNumber, yearSchema } from './common.ts';
import { researcherSchema } from './researchers.ts';

export const MAX_SUGGESTIONS = 50;
const unit = queryNumber(z.number().min(0).max(1));

const optionFields = {
  limit: queryNumber(z.number().int().min(1).max(MAX_SUGGESTIONS)).default(10),
  offset: queryNumber(z.number().int().min(0).max(200)).default(0),
  novelty: unit.default(0),
  diversity: unit.default(DEFAULT_DIVERSITY),
  activeSince: yearSchema.optional(),
};

export const collaboratorsQuery = z
  .object({
    ...optionFields,
    excludeCoauthors: booleanQuery.default(true),
    openToCollaborateOnly: booleanQuery.default(false),
    excludeIds: listQuery.pipe(z.array(idSchema).max(500)).optional(),
    excludeInstitutions: listQuery.pipe(z.array(z.string().max(300)).max(100)).optional(),
  })
  .strict();

export const suggestBody = z
  .object({
    text: z.string().trim().min(1).max(20_000).optional(),
    paperIds: z.array(idSchema).min(1).max(50).optional(),
    options: z
      .object({
        limit: z.number().int().min(1).max(MAX_SUGGESTIONS).default(10),
        offset: z.number().int().min(0).max(200).default(0),
        novelty: z.number().min(0).max(1).default(0),
        diversity: z.number().min(0).max(1).default(DEFAULT_DIVERSITY),
        activeSince: z.number().int().min(1800).max(2100).optional(),
        openToCollaborateOnly: z.boolean().default(false),
        excludeIds: z.array(idSchema).max(500).default([]),
        excludeInstitutions: z.array(z.string().max(300)).max(100).default([]),
      })
      .strict()
      .default({
        limit: 10,
        offset: 0,
        novelty: 0,
        diversity: DEFAULT_DIVERSITY,
        openToCollaborateOnly: false,
        excludeIds: [],
        excludeInstitutions: [],
      }),
  })
  .strict()
  .refine((b) => b.text !== undefined || b.paperIds !== undefined, {
    message: 'give text, paperIds or both',
    path: ['text'],
  });

const paperRef = z.object({ id: z.string(), title: z.string(), year: z.number() });

export const suggestionSchema = z.object({
  researcher: researcherSchema.pick({
    id: true,
    name: true,
    affiliations: true,
    claimed: true,
    openToCollaborate: true,
  }),
  /**
   * In [0, 1], higher is a stronger match: with a learned model and novelty 0, the model's probability
   * that the pair collaborates; without one, the rank in the classic order; with novelty, their blend.
   */
  score: z.number().min(0).max(1),
  /** Each feature's share of the learned log-odds (or the classic order's signals). */
  scoreParts: z.record(z.string(), z.number()),
  features: z.record(z.string(), z.number()),
  evidence: z.object({
    sharedTopics: z.array(z.string()),
    mutualCoauthors: z.array(z.object({ id: z.string(), name: z.string() })),
    closestPapers: z
      .object({ mine: paperRef.nullable(), theirs: paperRef, similarity: z.number() })
      .nullable(),
    graphDistance: z.number().nullable(),
    /** Citations between the two in words: "cites 3 of your papers", "you share 12 references". */
    citations: z.array(z.string()),
    sources: z.array(z.string()),
  }),
  canInvite: z.boolean(),
  inviteHint: z.string().nullable(),
});

export const suggestionsResponse = z.object({
  items: z.array(suggestionSchema),
  method: z.record(z.string(), z.unknown()),
  /** The options the list was ranked with, defaults filled in. */
  options: z.object({
    novelty: z.number(),
    diversity: z.number(),
    excludeCoauthors: z.boolean(),
    openToCollaborateOnly: z.boolean(),
  }),
  /** When the list was precomputed by the worker; null when it was computed for this request. */
  computedAt: z.string().nullable(),
  page: pageSchema,
});

export const relatedPapersQuery = z
  .object({
    limit: queryNumber(z.number().int().min(1).max(100)).default(20),
    offset: queryNumber(z.number().int().min(0).max(1000)).default(0),
    yearFrom: yearSchema.optional(),
    yearTo: yearSchema.optional(),
    excludeSeen: booleanQuery.default(false),
  })
  .strict()
  .refine((q) => q.yearFrom === undefined || q.yearTo === undefined || q.yearFrom <= q.yearTo, {
    message: 'yearFrom must not be after yearTo',
    path: ['yearFrom'],
  });

export const relatedPapersResponse = z.object({
  items: z.array(z.object({ paper: paperSchema, score: z.number() })),
  page: pageSchema,
});

export const similarResearchersResponse = z.object({
  items: z.array(z.object({ researcher: researcherSchema, similarity: z.number() })),
  page: pageSchema,
});

export const graphQuery = z
  .object({
    depth: queryNumber(z.number().int().min(1).max(2)).default(1),
    limit: queryNumber(z.number().int().min(8).max(200)).default(60),
  })
  .strict();

export const graphResponse = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['researcher', 'paper', 'topic', 'institution']),
      label: z.string(),
      focus: z.boolean().optional(),
      year: z.number().optional(),
    }),
  ),
  edges: z.array(
    z.object({
      source: z.string(),
      target: z.string(),
      type: z.enum(['authored', 'co-authored', 'similar-to', 'cites', 'about', 'affiliated']),
      weight: z.number().optional(),
    }),
  ),
});
