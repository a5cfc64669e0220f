import { ConflictError, NotFoundError } from '../errors.ts';
import type { JobQueues } from '../jobs/queues.ts';
import type { Logger } from '../logger.ts';
import { collaboratorOptions } from '../recommend/collaborators.ts';
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

export type InvitationSettings = { perDigest: number; cooldownDays: number; webhookEnabled: boolean };

const DAY_MS = 86_400_000;
/** Suggestions considered per digest: enough that skipping already-invited people still fills it. */
const DIGEST_DEPTH_FACTOR = 4;

export class InvitationsService {
  constructor(
    private readonly deps: {
      invitations: InvitationRepository;
      researchers: ResearcherRepository;
      collaborators: CollaboratorsService;
      queues: JobQueues | null;
      settings: InvitationSettings;
      logger: Logger;
    },
  ) {}

  /**
   * Puts at most N new collaboration suggestions into a claimed researcher's inbox for a period.
   * Safe to run again for the same period (after a crash, a retry or a duplicate job): it writes only
   * what is missing and never a second invitation for the same (recipient, candidate, period).
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
            diversity: 0.3,
            openToCollaborateOnly: true,
          }),
        )
      ).items;
    } catch (error) {
      if ((error as { status?: number }).status === 422)
        return { created: [], skipped: 'recipient has no papers' };
      throw error;
    }
    const created = await this.deps.invitations.createForPeriod(
      recipient,
      period,
      perDigest,
      suggestions.map((s) => ({ candidate: s.researcher.id, score: s.score, evidence: s.evidence })),
    );
    await this.announce(recipient, period);
    return { created };
  }

  /** Queues a webhook for every invitation of the period; delivery is idempotent per invitation. */
  private async announce(recipient: string, period: string): Promise<void> {
    if (!this.deps.settings.webhookEnabled || !this.deps.queues) return;
    const ids = (await this.deps.invitations.periodCandidates(recipient, period)).map((c) =>
      invitationId(recipient, c, period),
    );
    await this.deps.queues.addBulk(
      'deliver-webhook',
      ids.map((id) => ({
        payload: { invitationId: id, event: 'invitation.created' as const },
        options: { jobId: `webhook-${id}` },
      })),
    );
  }

  async list(
    researcher: string,
    options: { box: 'inbox' | 'incoming'; status?: InvitationStatus; page: Page },
  ): Promise<{ items: Invitation[]; total: number }> {
    if (!(await this.deps.researchers.get(researcher))) throw new NotFoundError('researcher', researcher);
    const all = await this.deps.invitations.list(researcher, options.box);
    const matching = options.status ? all.filter((i) => i.status === options.status) : all;
    return {
      items: matching.slice(options.page.offset, options.page.offset + options.page.limit),
      total: matching.length,
    };
  }

  async get(id: string): Promise<Invitation> {
    const invitation = await this.deps.invitations.get(id);
    if (!invitation) throw new NotFoundError('invitation', id);
    return invitation;
  }

  /** Moves an invitation on; an action its status does not allow is a 409. */
  async act(
    id: string,
    action: Exclude<InvitationAction, 'withdraw'>,
    snoozeUntil?: number,
  ): Promise<Invitation> {
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
    if (this.deps.queues && (action === 'accept' || action === 'decline' || action === 'dismiss')) {
      await this.deps.queues.add(
        'refresh-suggestions',
        { researcherId: invitation.recipient, reason: 'feedback' },
        refreshJobOptions(invitation.recipient),
      );
    }
    return invitation;
  }

  /** A researcher blocks someone: never suggested to them or put in their inbox again (until unblocked). */
  async setBlocked(recipient: string, candidate: string, blocked: boolean): Promise<{ blocked: boolean }> {
    if (!(await this.deps.researchers.get(recipient))) throw new NotFoundError('researcher', recipient);
    await this.deps.invitations.setBlocked(recipient, candidate, blocked);
    await this.deps.collaborators.forgetCached(recipient);
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
 * Refreshes of one researcher are debounced: while one waits, new requests fold into it (its delay
 * restarts); while one runs, at most one more waits (BullMQ deduplication, keepLastIfActive).
 */
export function refreshJobOptions(researcherId: string, delayMs = 2000) {
  return { delay: delayMs, deduplication: { id: `refresh-${researcherId}`, keepLastIfActive: true } };
}
