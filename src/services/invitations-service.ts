import { ConflictError, ForbiddenError, NotFoundError, UnprocessableError } from '../errors.ts';
import { isoWeek, jobIdFor } from '../jobs/definitions.ts';
import { type JobQueues, publicJobId } from '../jobs/queues.ts';
import type { Logger } from '../logger.ts';
import { collaboratorOptions, DEFAULT_DIVERSITY } from '../recommend/collaborator-ranking.ts';
import { allocateByMatchStrength } from '../recommend/exposure-allocation.ts';
import {
  type Invitation,
  type InvitationAction,
  type InvitationRepository,
  type InvitationStatus,
  invitationId,
} from '../storage/invitation-repository.ts';
import type { ResearcherRepository } from '../storage/researcher-repository.ts';
import type { CachedCollaborators } from './cached-collaborators.ts';
import type { Page } from './papers-service.ts';
import type { SuggestionRefresh } from './suggestion-refresh.ts';

export type InvitationSettings = {
  perDigest: number;
  /** Digests per period that may name one candidate (MAX_INVITATIONS_PER_CANDIDATE). */
  maxPerCandidate: number;
  cooldownDays: number;
  webhookEnabled: boolean;
};

/**
 * What a recipient's digest could name, best first (eligible under every rule but the caps), with
 * what an invitation shows of each; `skipped` says why there is nothing to propose.
 */
export type DigestProposal = {
  recipient: string;
  options: { candidate: string; score: number; evidence: unknown }[];
  skipped?: string;
};

const DAY_MS = 86_400_000;

export type NamedInvitation = Invitation & { candidateName: string | null };
/** Claimed researchers whose proposal jobs a run queues in one step (its cursor is saved after each). */
const PROPOSAL_CHUNK = 200;
/**
 * Suggestions considered per digest: enough that skipping already-invited people, and people whose
 * digests of the period are full, still fills it.
 */
const DIGEST_DEPTH_FACTOR = 4;

export class InvitationsService {
  constructor(
    private readonly deps: {
      invitations: InvitationRepository;
      researchers: ResearcherRepository;
      collaborators: Pick<CachedCollaborators, 'suggestForResearcher'>;
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
    const job = await this.queues().add('invitation-digest-run', { period });
    return { jobId: publicJobId(job), period };
  }

  /**
   * One chunk of a run's first step: a proposal job, child of the run's job, for every claimed
   * researcher in the chunk whose digest is not complete; returns the cursor of the next chunk ('0'
   * after the last). Job ids are scoped to the run, so a retried chunk adds nothing twice while a new
   * run finds every digest that failed or never ran; ids of any alphabet are hashed into them. A
   * proposal that fails for good does not hold the run up: that researcher waits for the next run.
   */
  async queueProposals(
    period: string,
    run: string,
    cursor: string,
    parent: { id: string; queue: string },
  ): Promise<{ next: string; queued: number }> {
    const { next, ids } = await this.deps.researchers.scanClaimed(cursor, PROPOSAL_CHUNK);
    const complete = await this.deps.invitations.digestsComplete(period, ids);
    const pending = ids.filter((_, i) => !complete[i]);
    await this.queues().addBulk(
      'invitation-digest-proposal',
      pending.map((researcherId) => ({
        payload: { researcherId, period, run },
        options: {
          jobId: jobIdFor('proposal', period, run, researcherId),
          parent,
          ignoreDependencyOnFailure: true,
        },
      })),
    );
    return { next, queued: pending.length };
  }

  /** A proposal job of a run: the recipient's proposal, kept until the run writes every digest at once. */
  async proposeForRun(recipient: string, period: string, run: string) {
    const proposal = await this.propose(recipient, period);
    if (!proposal) return { options: 0, skipped: 'recipient is not claimed' };
    await this.deps.invitations.saveProposal(period, run, recipient, proposal);
    return { options: proposal.options.length, ...(proposal.skipped ? { skipped: proposal.skipped } : {}) };
  }

  /** A run's last step, once its proposal jobs are done: every digest of the run, written together. */
  async writeRun(period: string, run: string) {
    const stored = await this.deps.invitations.proposals(period, run);
    // Written in recipient order, so where a rule depends on what was written before (one open
    // suggestion per pair), the outcome depends on the data, not on which proposal finished first.
    const proposals = ([...stored.values()] as DigestProposal[]).sort((a, b) =>
      a.recipient.localeCompare(b.recipient),
    );
    const created = await this.writeDigests(period, proposals);
    await this.deps.invitations.dropProposals(period, run);
    return {
      period,
      run,
      recipients: proposals.length,
      created: [...created.values()].reduce((sum, ids) => sum + ids.length, 0),
    };
  }

  /**
   * Puts at most N new collaboration suggestions into one claimed researcher's inbox for a period,
   * outside a run (the same rules, with only this recipient competing for capped candidates). Safe to
   * run again: it writes only what is missing and never a second invitation for the same (recipient,
   * candidate, period).
   */
  async digest(recipient: string, period: string): Promise<{ created: string[]; skipped?: string }> {
    const proposal = await this.propose(recipient, period);
    if (!proposal) return { created: [], skipped: 'recipient is not claimed' };
    const created = (await this.writeDigests(period, [proposal])).get(recipient) ?? [];
    return { created, ...(proposal.skipped ? { skipped: proposal.skipped } : {}) };
  }

  /**
   * The candidates a claimed researcher's digest could name, best first, each with its score and
   * evidence: their suggestions among people open to collaborate, less anyone the invitation rules
   * leave out (asked of the same script that writes, without writing). Null when not claimed.
   */
  private async propose(recipient: string, period: string): Promise<DigestProposal | null> {
    const record = await this.deps.researchers.get(recipient);
    if (!record?.claimed) return null;
    let suggestions: Awaited<ReturnType<CachedCollaborators['suggestForResearcher']>>['items'];
    try {
      suggestions = (
        await this.deps.collaborators.suggestForResearcher(
          recipient,
          collaboratorOptions({
            limit: this.deps.settings.perDigest * DIGEST_DEPTH_FACTOR,
            diversity: DEFAULT_DIVERSITY,
            openToCollaborateOnly: true,
          }),
        )
      ).items;
    } catch (error) {
      if (!(error instanceof UnprocessableError)) throw error;
      return { recipient, options: [], skipped: 'recipient has no papers' };
    }
    const eligible = new Set(
      await this.deps.invitations.eligibleCandidates(
        recipient,
        period,
        suggestions.map((s) => s.researcher.id),
      ),
    );
    return {
      recipient,
      options: suggestions
        .filter((s) => eligible.has(s.researcher.id))
        .map((s) => ({ candidate: s.researcher.id, score: s.score, evidence: s.evidence })),
    };
  }

  /**
   * Writes the digests of a set of proposals. Who gets a candidate that cannot be named in all of
   * them (MAX_INVITATIONS_PER_CANDIDATE, or the candidate's own smaller setting) is decided by match
   * strength (allocateByMatchStrength), from what the period already holds, so a retry continues
   * where it stopped. Each recipient's invitations are then written by the atomic script, which
   * enforces both caps again (concurrent runs cannot overshoot them) and falls back on the
   * recipient's next-best people that nobody else was allotted when an allotted one is no longer
   * free. A digest counts as complete once its invitations are written and their webhooks queued.
   */
  private async writeDigests(period: string, proposals: DigestProposal[]): Promise<Map<string, string[]>> {
    const { perDigest, maxPerCandidate } = this.deps.settings;
    const received = await this.deps.invitations.periodCandidatesOf(
      proposals.map((p) => p.recipient),
      period,
    );
    const plans = proposals.map((proposal, i) => {
      const have = new Set(received[i]);
      return {
        recipient: proposal.recipient,
        want: Math.max(0, perDigest - have.size),
        options: proposal.options.filter((o) => !have.has(o.candidate)),
      };
    });
    const capacity = await this.deps.invitations.remainingCapacity(
      period,
      [...new Set(plans.flatMap((p) => p.options.map((o) => o.candidate)))],
      maxPerCandidate,
    );
    const written = new Map(proposals.map((p, i) => [p.recipient, received[i]!]));
    const allotted = allocateByMatchStrength(plans, (candidate) => capacity.get(candidate) ?? 0, {
      oneDirectionPerPair: true,
      written,
    });
    // The allotment is the plan; the script writes it unless something changed since the capacities
    // were read (another run writing the same period). Only then does a recipient fall back, and only
    // on people nobody else was allotted: with room to spare and not pairing back with them.
    const spare = new Map(capacity);
    const allottedTo = new Map<string, Set<string>>();
    for (const [recipient, list] of allotted) {
      allottedTo.set(recipient, new Set(list));
      for (const candidate of list) spare.set(candidate, (spare.get(candidate) ?? 0) - 1);
    }
    const created = new Map<string, string[]>();
    for (const plan of plans) {
      const first = allottedTo.get(plan.recipient)!;
      const free = (o: { candidate: string }) =>
        !first.has(o.candidate) &&
        (spare.get(o.candidate) ?? 0) > 0 &&
        !allottedTo.get(o.candidate)?.has(plan.recipient);
      const fallbacks = plan.options.filter(free);
      const ids = await this.deps.invitations.createForPeriod(
        plan.recipient,
        period,
        { max: perDigest, cap: maxPerCandidate },
        [...plan.options.filter((o) => first.has(o.candidate)), ...fallbacks],
      );
      const named = new Set(ids);
      for (const o of fallbacks)
        if (named.has(invitationId(plan.recipient, o.candidate, period)))
          spare.set(o.candidate, spare.get(o.candidate)! - 1);
      created.set(plan.recipient, ids);
      await this.announce(plan.recipient, period);
      await this.deps.invitations.markDigestComplete(plan.recipient, period);
    }
    return created;
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
