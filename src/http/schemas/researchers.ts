import { z } from 'zod';
import { paperSchema } from '../../domain/paper.ts';
import { pageQuery, pageSchema } from './common.ts';

export const researcherSchema = z.object({
  id: z.string(),
  name: z.string(),
  affiliations: z.array(z.string()),
  claimed: z.boolean(),
  openToCollaborate: z.boolean(),
  verificationLevel: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const profileSchema = researcherSchema.extend({
  counts: z.object({ papers: z.number(), coauthors: z.number() }),
  topics: z.array(z.string()),
  works: z.array(paperSchema),
  closeCollaborators: z.array(
    z.object({ id: z.string(), name: z.string(), jointPapers: z.number(), latestYear: z.number() }),
  ),
});

export const researcherSearchQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional(),
});

export const researchersPageResponse = z.object({ items: z.array(researcherSchema), page: pageSchema });
export const worksResponse = z.object({ items: z.array(paperSchema), page: pageSchema });
