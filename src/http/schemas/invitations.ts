import { z } from 'zod';
import { periodSchema } from '../../jobs/definitions.ts';
import { pageSchema, queryNumber } from './common.ts';

export const invitationStatus = z.enum([
  'pending',
  'sent',
  'accepted',
  'declined',
  'dismissed',
  'snoozed',
  'withdrawn',
]);

export const invitationSchema = z.object({
  id: z.string(),
  recipient: z.string(),
  candidate: z.string(),
  period: z.string(),
  status: invitationStatus,
  score: z.number(),
  evidence: z.unknown(),
  /** The candidate's name as it appears on their papers (null if the record is gone). */
  candidateName: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  snoozedUntil: z.iso.datetime().nullable(),
  sentAt: z.iso.datetime().nullable(),
});

export const invitationsQuery = z
  .object({
    status: invitationStatus.optional(),
    box: z.enum(['inbox', 'incoming']).default('inbox'),
    limit: queryNumber(z.number().int().min(1).max(100)).default(20),
    offset: queryNumber(z.number().int().min(0).max(100_000)).default(0),
  })
  .strict();

export const invitationsResponse = z.object({ items: z.array(invitationSchema), page: pageSchema });

export const invitationParams = z.object({ id: z.string().regex(/^inv_[0-9a-f]{20}$/, 'an invitation id') });
export const invitationActionParams = invitationParams.extend({
  action: z.enum(['send', 'accept', 'decline', 'dismiss']),
});
/** Actions other than snooze take no body; an empty object is accepted too. */
export const emptyBody = z.object({}).strict().nullable();
export const snoozeBody = z
  .object({ until: z.iso.datetime({ offset: true }) })
  .strict()
  .refine((b) => Date.parse(b.until) > Date.now(), {
    message: 'until must be in the future',
    path: ['until'],
  });

export const digestBody = z
  .object({
    period: periodSchema.optional(),
    /** Run a past period (an admin's decision: the per-period cap is per ISO week). */
    backfill: z.boolean().default(false),
  })
  .strict();

export const jobSchema = z.object({
  id: z.string(),
  name: z.string(),
  queue: z.string(),
  state: z.string(),
  data: z.unknown(),
  attemptsMade: z.number(),
  failedReason: z.string().nullable(),
  returnValue: z.unknown(),
  timestamp: z.number(),
  finishedOn: z.number().nullable(),
});
export const jobParams = z.object({ id: z.string().min(1).max(300) });
