import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { isoWeek, jobIdFor } from '../jobs/definitions.ts';
import { type JobQueues, publicJobId } from '../jobs/queues.ts';
import type { Logger } from '../logger.ts';
import { collaboratorOptions, DEFAULT_DIVERSITY } from '../recommend/collaborator-ranking.ts';
import {
  type Invitation,
  type InvitationAction,
  type InvitationRepository,
  type InvitationStatus,
  invitationId,
} from '../storage/invitation-repository.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CollaboratorsService } from './collaborators-service.ts';
import type { Page } from './papers-service.ts';
import type { SuggestionRefresh } from './suggestion-refresh.ts';

export type InvitationSettings = { perDigest: number; cooldownDays: number; webhookEnabled: boolean };

const DAY_MS = 86_400_000;

export type NamedInvitation = Invitation & { candidateName: string | null };
/** Claimed researchers handled by one fan-out job before it hands the rest to the next one. */
const FANOUT_CHUNK = 200;
/** Suggestions considered per digest: enough that skipping already-invited people still fills it. */
const DIGEST_DEPTH_FACTOR = 4;

export class InvitationsService {
  constructor(
    private readonly deps: {
      invitations: InvitationRepository;
      researchers: ResearcherRepository;
      collaborators: CollaboratorsService;
      queues: JobQueues | null;
      refresh: SuggestionRefresh;
      settings: InvitationSettings;
      logger: Logger;
    },
  ) {}

  /**
   * Starts a digest run for every claimed researcher. Only the current period, unless an admin
   * explicitly backfills a past one: the per-period cap would mean nothing if any period could be
   * run at will. Each start is a new run that digests everyone whose digest is not complete yet.
   */
  async startDigest(input: {
    period?: string;
    backfill?: boolean;
  }): Promise<{ jobId: string; period: string }> {
    const current = isoWeek(new Date());
    const period = input.period ?? current;
    if (period > current) {
      throw new UnprocessableError(`period ${period} has not begun (the current period is ${current})`, {
        period,
        current,
      });
    }
    if (period !== current && !input.backfill) {
      throw new UnprocessableError(
        `only the current period (${current}) may be run; a past period needs backfill: true`,
        { period, current },
      );
    }
    const job = await this.queues().add('invitation-digest-fanout', { period, cursor: '0' });
    return { jobId: publicJobId(job), period };
  }

  /**
   * One chunk of a digest run: a digest job for every claimed researcher in the chunk whose digest is
   * not complete, then a job for the next chunk. Job ids are scoped to the run (the first chunk's
   * job), so a retried chunk adds nothing twice while a new run finds every digest that failed or
   * never ran; ids of any alphabet are hashed into them.
   */
  async fanOut(input: { period?: string; cursor: string; run?: string }, jobId: string) {
    const period = input.period ?? isoWeek(new Date());
    const run = input.run ?? jobId;
    const { next, ids } = await this.deps.researchers.scanClaimed(input.cursor, FANOUT_CHUNK);
    const complete = await this.deps.invitations.digestsComplete(period, ids);
    const pending = ids.filter((_, i) => !complete[i]);
    await this.queues().addBulk(
      'invitation-digest',
      pending.map((researcherId) => ({
        payload: { researcherId, period },
        options: { jobId: jobIdFor('digest', period, run, researcherId) },
      })),
    );
    if (next !== '0') {
      await this.queues().add(
        'invitation-digest-fanout',
        { period, cursor: next, run },
        { jobId: jobIdFor('fanout', period, run, next) },
      );
    }
    return { period, run, researchers: ids.length, queued: pending.length, next };
  }

  /**
   * Puts at most N new collaboration suggestions into a claimed researcher's inbox for a period.
   * Safe to run again for the same period (after a crash, a retry or a duplicate job): it writes only
   * what is missing and never a second invitation for the same (recipient, candidate, period). The
   * digest counts as complete once its invitations are written and their webhooks queued.
   */
  async digest(recipient: string, period: string): Promise<{ created: string[]; skipped?: string }> {
    const record = await this.deps.researchers.get(recipient);
    if (!record?.claimed) return { created: [], skipped: 'recipient is not claimed' };
    const { perDigest } = this.deps.settings;
    let suggestions: Awaited<ReturnType<CollaboratorsService['suggestForResearcher']>>['items'];
    try {
      suggestions = (
        await this.deps.collaborators.suggestForResearcher(
          recipient,
          collaboratorOptions({
            limit: perDigest * DIGEST_DEPTH_FACTOR,
            diversity: DEFAULT_DIVERSITY,
            openToCollaborateOnly: true,
          }),
        )
      ).items;
    } catch (error) {
      if (!(error instanceof UnprocessableError)) throw error;
      await this.deps.invitations.markDigestComplete(recipient, period);
      return { created: [], skipped: 'recipient has no papers' };
    }
    const created = await this.deps.invitations.createForPeriod(
      recipient,
      period,
      perDigest,
      suggestions.map((s) => ({ candidate: s.researcher.id, score: s.score, evidence: s.evidence })),
    );
    await this.announce(recipient, period);
    await this.deps.invitations.markDigestComplete(recipient, period);
    return { created };
  }

  /**
   * Queues a webhook for every invitation of the period not delivered yet. Delivery is recorded per
   * invitation in Redis, so neither a re-run nor trimmed job history sends one twice.
   */
  private async announce(recipient: string, period: string): Promise<void> {
    if (!this.deps.settings.webhookEnabled || !this.deps.queues) return;
    const ids = (await this.deps.invitations.periodCandidates(recipient, period)).map((c) =>
      invitationId(recipient, c, period),
    );
    const delivered = await Promise.all(ids.map((id) => this.deps.invitations.webhookDeliveredAt(id)));
    await this.deps.queues.addBulk(
      'deliver-webhook',
      ids
        .filter((_, i) => delivered[i] === null)
        .map((id) => ({
          payload: { invitationId: id, event: 'invitation.created' as const },
          options: { jobId: `webhook-${id}` },
        })),
    );
  }

  private queues(): JobQueues {
    if (!this.deps.queues) throw new Error('this process has no job queues');
    return this.deps.queues;
  }

  async list(
    researcher: string,
    options: { box: 'inbox' | 'incoming'; status?: InvitationStatus; page: Page },
  ): Promise<{ items: NamedInvitation[]; total: number }> {
    if (!(await this.deps.researchers.get(researcher))) throw new NotFoundError('researcher', researcher);
    const all = await this.deps.invitations.list(researcher, options.box);
    const matching = options.status ? all.filter((i) => i.status === options.status) : all;
    return {
      items: await this.named(matching.slice(options.page.offset, options.page.offset + options.page.limit)),
      total: matching.length,
    };
  }

  /** An invitation; a researcher (`actor`, null for a platform key) may read only their own. */
  async get(id: string, actor: string | null = null): Promise<NamedInvitation> {
    const invitation = await this.deps.invitations.get(id);
    if (!invitation) throw new NotFoundError('invitation', id);
    assertMayAct(invitation, 'read', actor);
    return (await this.named([invitation]))[0]!;
  }

  /** Invitations with their candidate's name, for people reading an inbox. */
  private async named(invitations: Invitation[]): Promise<NamedInvitation[]> {
    const candidates = await this.deps.researchers.getMany(invitations.map((i) => i.candidate));
    return invitations.map((invitation, i) => ({
      ...invitation,
      candidateName: candidates[i]?.name ?? null,
    }));
  }

  /** Moves an invitation on; an action its status does not allow is a 409. */
  async act(
    id: string,
    action: Exclude<InvitationAction, 'withdraw'>,
    options: { snoozeUntil?: number; actor?: string | null } = {},
  ): Promise<NamedInvitation> {
    const { snoozeUntil, actor = null } = options;
    if (actor !== null) {
      const invitation = await this.deps.invitations.get(id);
      if (!invitation) throw new NotFoundError('invitation', id);
      assertMayAct(invitation, action, actor);
    }
    const until =
      action === 'dismiss' ? Date.now() + this.deps.settings.cooldownDays * DAY_MS : (snoozeUntil ?? 0);
    const result = await this.deps.invitations.transition(id, action, until);
    if (result === null) throw new NotFoundError('invitation', id);
    if (typeof result === 'object') {
      throw new ConflictError(`cannot ${action} an invitation that is ${result.illegal}`, {
        invitationId: id,
        status: result.illegal,
        action,
      });
    }
    const invitation = await this.get(id);
    if (action === 'accept' || action === 'decline' || action === 'dismiss')
      await this.deps.refresh.request([invitation.recipient], 'feedback');
    return invitation;
  }

  /** A researcher blocks someone: never suggested to them or put in their inbox again (until unblocked). */
  async setBlocked(recipient: string, candidate: string, blocked: boolean): Promise<{ blocked: boolean }> {
    if (!(await this.deps.researchers.get(recipient))) throw new NotFoundError('researcher', recipient);
    await this.deps.invitations.setBlocked(recipient, candidate, blocked);
    await this.deps.refresh.request([recipient], 'feedback');
    return { blocked };
  }

  /** Withdraws pending invitations that name a researcher who is no longer open or claimed. */
  async withdrawNaming(candidate: string): Promise<number> {
    let withdrawn = 0;
    for (const id of await this.deps.invitations.namingCandidate(candidate)) {
      const result = await this.deps.invitations.transition(id, 'withdraw');
      if (result === 'withdrawn') withdrawn += 1;
    }
    return withdrawn;
  }
}

/**
 * Per-object rules for a researcher acting through their own token: the recipient sends, dismisses
 * and snoozes a suggestion; the candidate accepts or declines the invitation; either may read it.
 */
function assertMayAct(
  invitation: Invitation,
  action: Exclude<InvitationAction, 'withdraw'> | 'read',
  actor: string | null,
): void {
  if (actor === null) return;
  const allowed =
    action === 'read'
      ? [invitation.recipient, invitation.candidate]
      : action === 'accept' || action === 'decline'
        ? [invitation.candidate]
        : [invitation.recipient];
  if (!allowed.includes(actor)) {
    const who = action === 'accept' || action === 'decline' ? 'the candidate' : 'the recipient';
    throw new ForbiddenError(
      action === 'read'
        ? 'only the recipient or the candidate may read this invitation'
        : `only ${who} may ${action} this invitation`,
      { invitationId: invitation.id, action },
    );
  }
}
