import { z } from 'zod';
import { idSchema } from '../domain/paper.ts';

/** An invitation period: the ISO week the digest runs for, e.g. 2026-W48. */
export const periodSchema = z.string().regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W48');

/**
 * Every job PeerScout runs: its queue and the schema of its payload. Producers and workers share this
 * registry; a payload that fails its schema is a poisoned job and is failed without retries.
 */
export const jobs = {
  'refresh-suggestions': {
    queue: 'suggestions',
    payload: z
      .object({ researcherId: idSchema, reason: z.enum(['papers', 'profile', 'on-demand', 'feedback']) })
      .strict(),
  },
  'train-ranking-model': {
    queue: 'suggestions',
    payload: z.object({ reason: z.string().max(200) }).strict(),
  },
  'invitation-digest-fanout': {
    queue: 'invitations',
    payload: z.object({ period: periodSchema.optional(), cursor: z.string().max(100).default('0') }).strict(),
  },
  'invitation-digest': {
    queue: 'invitations',
    payload: z.object({ researcherId: idSchema, period: periodSchema }).strict(),
  },
  'deliver-webhook': {
    queue: 'webhooks',
    payload: z
      .object({ invitationId: z.string().min(1).max(200), event: z.enum(['invitation.created']) })
      .strict(),
  },
} as const;

export type JobName = keyof typeof jobs;
export type JobPayload<N extends JobName> = z.input<(typeof jobs)[N]['payload']>;
export type ParsedJobPayload<N extends JobName> = z.output<(typeof jobs)[N]['payload']>;
export type QueueName = (typeof jobs)[JobName]['queue'];
export const QUEUE_NAMES: QueueName[] = ['suggestions', 'invitations', 'webhooks'];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(jobs, name);
}

/** The ISO week (Monday-based) of a date, as the invitation period. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
