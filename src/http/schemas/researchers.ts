import { z } from 'zod';
import { idSchema, paperSchema } from '../../domain/paper.ts';
import { pageQuery, pageSchema } from './common.ts';

export const researcherSchema = z.object({
  id: z.string(),
  name: z.string(),
  affiliations: z.array(z.string()),
  interests: z.string().nullable(),
  claimed: z.boolean(),
  openToCollaborate: z.boolean(),
  verificationLevel: z.number(),
  /** Invitations the researcher wants per period at most (0: paused); null: the platform's cap. */
  invitationsPerPeriod: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const profileSchema = researcherSchema.extend({
  counts: z.object({ papers: z.number(), coauthors: z.number(), followers: z.number() }),
  topics: z.array(z.string()),
  works: z.array(paperSchema),
  closeCollaborators: z.array(
    z.object({ id: z.string(), name: z.string(), jointPapers: z.number(), latestYear: z.number() }),
  ),
  /**
   * Citations among stored papers: received (by the researcher's papers, from others' papers), given
   * (by their papers to others'), and the researchers whose papers cite theirs most.
   */
  citations: z.object({
    received: z.number(),
    given: z.number(),
    mostCitedBy: z.array(z.object({ id: z.string(), name: z.string(), citations: z.number() })),
  }),
});

export const researcherSearchQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional(),
});

export const researchersPageResponse = z.object({ items: z.array(researcherSchema), page: pageSchema });
export const worksResponse = z.object({ items: z.array(paperSchema), page: pageSchema });

export const claimBody = z.object({ accountId: z.string().trim().min(1).max(200) }).strict();

export const profilePatchBody = z
  .object({
    openToCollaborate: z.boolean().optional(),
    interests: z.string().trim().min(1).max(5000).optional(),
    affiliations: z.array(z.string().trim().min(1).max(300)).max(20).optional(),
    verificationLevel: z.number().int().min(0).max(5).optional(),
    /** At most this many digests per period may name the researcher (0 pauses invitations); null: the platform's cap. */
    invitationsPerPeriod: z.number().int().min(0).max(1000).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

export const followerParams = z.object({ id: idSchema, followerId: idSchema });
export const followersResponse = z.object({ followers: z.number() });
