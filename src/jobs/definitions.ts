import { createHash } from 'node:crypto';
import { z } from 'zod';

/** An invitation period: an ISO week that exists, e.g. 2026-W48 (W53 only in years that have one). */
export const periodSchema = z
  .string()
  .regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W48')
  .refine(isValidIsoWeek, 'an ISO week that exists: W01 to W52, or W53 in years that have 53 weeks');

/**
 * Every job PeerScout runs: its queue and the schema of its payload. Producers and workers share this
 * registry; a payload that fails its schema is a poisoned job and is failed without retries.
 */
/**
 * A researcher id as stored: jobs must run for every stored researcher, also one whose id predates
 * the API's id rule, so payloads check only its shape (job ids hash it; see jobIdFor).
 */
const storedIdSchema = z.string().min(1).max(200);

export const jobs = {
  'refresh-suggestions': {
    queue: 'suggestions',
    payload: z
      .object({
        researcherId: storedIdSchema,
        reason: z.enum(['papers', 'profile', 'on-demand', 'feedback']),
      })
      .strict(),
  },
  'train-ranking-model': {
    queue: 'suggestions',
    /** on-demand trains; the others train only when the models are missing or the store outgrew them. */
    payload: z.object({ reason: z.enum(['on-demand', 'scheduled', 'start', 'store-grew']) }).strict(),
  },
  /**
   * A digest run for a period, in steps kept in its data so a retry resumes where it stopped:
   * 'propose' walks the claimed researchers in chunks (cursor) queueing a proposal job for each as a
   * child of the run; 'write' waits for those children, then writes every digest at once.
   */
  'invitation-digest-run': {
    queue: 'invitations',
    payload: z
      .object({
        period: periodSchema.optional(),
        step: z.enum(['propose', 'write']).default('propose'),
        cursor: z.string().max(100).default('0'),
      })
      .strict(),
  },
  /** One recipient's proposal for a run (the run's job id). */
  'invitation-digest-proposal': {
    queue: 'invitations',
    payload: z
      .object({ researcherId: storedIdSchema, period: periodSchema, run: z.string().min(1).max(200) })
      .strict(),
  },
  /** One recipient's digest outside a run (a re-run by hand). */
  'invitation-digest': {
    queue: 'invitations',
    payload: z.object({ researcherId: storedIdSchema, period: periodSchema }).strict(),
  },
  /**
   * Finishes paper writes whose writer died between the paper's own record and its links elsewhere
   * (see PaperProjection): on a schedule, so a crash converges without anyone writing the paper again.
   */
  'reconcile-papers': {
    queue: 'maintenance',
    payload: z.object({}).strict(),
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
export const QUEUE_NAMES: QueueName[] = ['suggestions', 'invitations', 'webhooks', 'maintenance'];

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

/** The number of ISO weeks in a year: 53 when 28 December falls in week 53. */
function isoWeeksIn(year: number): number {
  return isoWeek(new Date(Date.UTC(year, 11, 28))).endsWith('53') ? 53 : 52;
}

function isValidIsoWeek(period: string): boolean {
  const [year, week] = period.split('-W').map(Number) as [number, number];
  return week >= 1 && week <= isoWeeksIn(year);
}

/**
 * A BullMQ job id (or deduplication id) for any ids the API accepts: BullMQ refuses ':' in custom
 * ids, and researcher ids may hold it, so the parts are hashed. The kind stays readable.
 */
export function jobIdFor(kind: string, ...parts: string[]): string {
  return `${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;
}
