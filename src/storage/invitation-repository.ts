import { createHash } from 'node:crypto';
import {
  candidateRoomScript,
  createInvitationsScript,
  transitionInvitationScript,
} from './invitation-scripts.ts';
import type { Keys } from './keys.ts';
import { pipelined, type Redis } from './redis.ts';

export type InvitationStatus =
  | 'pending'
  | 'sent'
  | 'accepted'
  | 'declined'
  | 'dismissed'
  | 'snoozed'
  | 'withdrawn';
export type InvitationAction = 'send' | 'accept' | 'decline' | 'dismiss' | 'snooze' | 'withdraw';

export type Invitation = {
  id: string;
  recipient: string;
  candidate: string;
  period: string;
  status: InvitationStatus;
  score: number;
  evidence: unknown;
  /** ISO 8601 times (stored as epoch milliseconds). */
  createdAt: string;
  updatedAt: string;
  snoozedUntil: string | null;
  sentAt: string | null;
};

function isoTime(epochMs: string | number | undefined): string {
  return new Date(Number(epochMs)).toISOString();
}

/** A period's completion and exposure records outlive any re-run of it. */
const DIGEST_COMPLETE_TTL_S = 400 * 24 * 3600;
/** Candidates whose room one script call reads. */
const ROOM_SLICE = 500;
/** A run's proposals are read once its proposal jobs are done; kept a week for a run that stalls. */
const PROPOSALS_TTL_S = 7 * 24 * 3600;

export type InvitationDraft = { candidate: string; score: number; evidence: unknown };

type ScriptCommands = {
  peerscoutCreateInvitations(...args: string[]): Promise<string[]>;
  peerscoutTransitionInvitation(...args: (string | number)[]): Promise<string>;
  peerscoutCandidateRoom(...args: (string | number)[]): Promise<number[]>;
};

/** The id of the invitation for (recipient, candidate, period): the same inputs always give the same id. */
export function invitationId(recipient: string, candidate: string, period: string): string {
  return `inv_${createHash('sha256').update(`${recipient}\n${candidate}\n${period}`).digest('hex').slice(0, 20)}`;
}

export class InvitationRepository {
  private readonly prefixes: string;
  private readonly scripts: ScriptCommands;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly streamMaxLen: number,
  ) {
    this.prefixes = JSON.stringify(keys.luaKeyPrefixes);
    redis.defineCommand('peerscoutCreateInvitations', { numberOfKeys: 4, lua: createInvitationsScript });
    redis.defineCommand('peerscoutCandidateRoom', { numberOfKeys: 1, lua: candidateRoomScript });
    redis.defineCommand('peerscoutTransitionInvitation', {
      numberOfKeys: 2,
      lua: transitionInvitationScript,
    });
    this.scripts = redis as unknown as ScriptCommands;
  }

  /**
   * Writes a recipient's invitations for a period, in the drafts' order, at most `max` in all and
   * none naming a candidate whose digests of the period are full (`cap`, or the candidate's own
   * smaller setting); returns the new ids.
   */
  createForPeriod(
    recipient: string,
    period: string,
    limits: { max: number; cap: number },
    drafts: InvitationDraft[],
  ): Promise<string[]> {
    return this.runCreateScript(recipient, period, { ...limits, dryRun: false }, drafts);
  }

  /**
   * The candidates, in order, that a digest for the recipient could name in the period under every
   * rule but the caps (see createInvitationsScript): what the digest proposes. Writes nothing.
   */
  eligibleCandidates(recipient: string, period: string, candidates: string[]): Promise<string[]> {
    return this.runCreateScript(
      recipient,
      period,
      { max: candidates.length, cap: 0, dryRun: true },
      candidates.map((candidate) => ({ candidate, score: 0, evidence: null })),
    );
  }

  /** What the invitation rules need of each candidate's record, read from the records' own slots. */
  private async candidateProfiles(
    candidates: string[],
  ): Promise<{ claimed: boolean; open: boolean; own: number | null }[]> {
    const rows = await pipelined<string, (string | null)[]>(this.redis, candidates, (p, id) =>
      p.hmget(this.keys.researcher(id), 'claimed', 'openToCollaborate', 'invitationsPerPeriod'),
    );
    return rows.map(([claimed, open, own]) => ({
      claimed: claimed === 'true',
      open: open === 'true',
      own: own === null || own === undefined ? null : Number(own),
    }));
  }

  private async runCreateScript(
    recipient: string,
    period: string,
    options: { max: number; cap: number; dryRun: boolean },
    drafts: InvitationDraft[],
  ): Promise<string[]> {
    const profiles = await this.candidateProfiles(drafts.map((d) => d.candidate));
    const payload = {
      recipient,
      period,
      ...options,
      exposureTtl: DIGEST_COMPLETE_TTL_S,
      now: Date.now(),
      candidates: drafts.map((d, i) => ({
        ...profiles[i]!,
        candidate: d.candidate,
        id: invitationId(recipient, d.candidate, period),
        score: d.score,
        evidence: JSON.stringify(d.evidence),
      })),
    };
    return this.scripts.peerscoutCreateInvitations(
      this.keys.digest(recipient, period),
      this.keys.inbox(recipient),
      this.keys.invited(recipient),
      this.keys.feedback(recipient),
      this.prefixes,
      JSON.stringify(payload),
    );
  }

  /** Applies an action; returns the new status, or { illegal: current status } / null when missing. */
  async transition(
    id: string,
    action: InvitationAction,
    until = 0,
  ): Promise<InvitationStatus | { illegal: string } | null> {
    const result = await this.scripts.peerscoutTransitionInvitation(
      this.keys.invitation(id),
      this.keys.collaborationChanges(),
      this.prefixes,
      action,
      Date.now(),
      until,
      this.streamMaxLen,
    );
    if (result === 'missing') return null;
    if (result.startsWith('illegal:')) return { illegal: result.slice('illegal:'.length) };
    return result as InvitationStatus;
  }

  async getMany(ids: string[]): Promise<(Invitation | null)[]> {
    const hashes = await pipelined<string, Record<string, string>>(this.redis, ids, (p, id) =>
      p.hgetall(this.keys.invitation(id)),
    );
    const now = Date.now();
    return hashes.map((h) => {
      if (!h.id) return null;
      const snoozedUntil = h.snoozedUntil ? Number(h.snoozedUntil) : null;
      // A snooze that has run out is pending again.
      const status =
        h.status === 'snoozed' && snoozedUntil !== null && snoozedUntil <= now ? 'pending' : h.status;
      return {
        id: h.id,
        recipient: h.recipient!,
        candidate: h.candidate!,
        period: h.period!,
        status: status as InvitationStatus,
        score: Number(h.score),
        evidence: JSON.parse(h.evidence ?? 'null'),
        createdAt: isoTime(h.createdAt),
        updatedAt: isoTime(h.updatedAt),
        snoozedUntil: snoozedUntil === null ? null : isoTime(snoozedUntil),
        sentAt: h.sentAt ? isoTime(h.sentAt) : null,
      };
    });
  }

  async get(id: string): Promise<Invitation | null> {
    return (await this.getMany([id]))[0] ?? null;
  }

  /** A researcher's inbox (or incoming invitations), newest first. */
  async list(researcher: string, box: 'inbox' | 'incoming'): Promise<Invitation[]> {
    const key = box === 'inbox' ? this.keys.inbox(researcher) : this.keys.incoming(researcher);
    const ids = await this.redis.zrevrange(key, 0, -1);
    return (await this.getMany(ids)).filter((i): i is Invitation => i !== null);
  }

  /** Ids of invitations that name a researcher as the candidate. */
  namingCandidate(candidate: string): Promise<string[]> {
    return this.redis.zrange(this.keys.namedIn(candidate), 0, -1);
  }

  /** Candidates a recipient received in a period. */
  periodCandidates(recipient: string, period: string): Promise<string[]> {
    return this.redis.smembers(this.keys.digest(recipient, period));
  }

  /** For each recipient, the candidates they received in a period. */
  periodCandidatesOf(recipients: string[], period: string): Promise<string[][]> {
    return pipelined<string, string[]>(this.redis, recipients, (p, id) =>
      p.smembers(this.keys.digest(id, period)),
    );
  }

  /** Recipients whose digests named a candidate in a period. */
  namedInPeriod(candidate: string, period: string): Promise<string[]> {
    return this.redis.smembers(this.keys.exposure(candidate, period));
  }

  /**
   * How many more digests of the period may name each candidate (the platform's cap or the
   * candidate's own smaller invitationsPerPeriod, less the digests that already named them).
   */
  async remainingCapacity(period: string, candidates: string[], cap: number): Promise<Map<string, number>> {
    const rooms = new Map<string, number>();
    // In slices, so a large run never holds Redis in one long script.
    for (let i = 0; i < candidates.length; i += ROOM_SLICE) {
      const slice = candidates.slice(i, i + ROOM_SLICE);
      const profiles = await this.candidateProfiles(slice);
      const room = await this.scripts.peerscoutCandidateRoom(
        this.keys.exposure(slice[0]!, period),
        this.prefixes,
        period,
        cap,
        ...slice.flatMap((id, k) => [id, String(profiles[k]!.own ?? '')]),
      );
      for (const [k, id] of slice.entries()) rooms.set(id, room[k]!);
    }
    return rooms;
  }

  /** Keeps one recipient's proposal for a digest run, until the run writes the digests. */
  async saveProposal(period: string, run: string, recipient: string, proposal: unknown): Promise<void> {
    const key = this.keys.digestProposals(period, run);
    await this.redis
      .multi()
      .hset(key, recipient, JSON.stringify(proposal))
      .expire(key, PROPOSALS_TTL_S)
      .exec();
  }

  /** Every proposal of a digest run, by recipient. */
  async proposals(period: string, run: string): Promise<Map<string, unknown>> {
    const raw = await this.redis.hgetall(this.keys.digestProposals(period, run));
    return new Map(Object.entries(raw).map(([recipient, json]) => [recipient, JSON.parse(json)]));
  }

  async dropProposals(period: string, run: string): Promise<void> {
    await this.redis.del(this.keys.digestProposals(period, run));
  }

  /** Records that a recipient's digest for a period is complete. */
  async markDigestComplete(recipient: string, period: string): Promise<void> {
    const key = this.keys.digestComplete(period);
    await this.redis.multi().sadd(key, recipient).expire(key, DIGEST_COMPLETE_TTL_S).exec();
  }

  /** For each recipient, whether their digest for the period is complete. */
  async digestsComplete(period: string, recipients: string[]): Promise<boolean[]> {
    if (recipients.length === 0) return [];
    const flags = await this.redis.smismember(this.keys.digestComplete(period), ...recipients);
    return flags.map((flag) => flag === 1);
  }

  /** When the webhook for an invitation was answered with a 2xx, or null. */
  async webhookDeliveredAt(id: string): Promise<string | null> {
    return this.redis.hget(this.keys.invitation(id), 'webhookDeliveredAt');
  }

  async markWebhookDelivered(id: string): Promise<void> {
    await this.redis.hset(this.keys.invitation(id), 'webhookDeliveredAt', new Date().toISOString());
  }

  /** Pairs that accepted to collaborate. */
  async collaborationEdges(): Promise<[string, string][]> {
    const members = await this.redis.smembers(this.keys.collaborationEdges());
    return members.map((m) => m.split('|') as [string, string]);
  }

  /** A recipient blocks a candidate (never suggested or invited again) or lifts the block. */
  async setBlocked(recipient: string, candidate: string, blocked: boolean): Promise<void> {
    const key = this.keys.feedback(recipient);
    if (blocked) {
      await this.redis.hset(key, candidate, JSON.stringify({ kind: 'blocked', until: 0 }));
      return;
    }
    const current = await this.redis.hget(key, candidate);
    // Lifting a block leaves a decline or a dismissal in force.
    if (current && JSON.parse(current).kind === 'blocked') await this.redis.hdel(key, candidate);
  }

  /** Feedback a recipient gave on candidates (dismissed with cooldown, declined, blocked). */
  async feedback(recipient: string): Promise<Map<string, { kind: string; until: number }>> {
    const raw = await this.redis.hgetall(this.keys.feedback(recipient));
    return new Map(Object.entries(raw).map(([candidate, json]) => [candidate, JSON.parse(json)]));
  }
}
