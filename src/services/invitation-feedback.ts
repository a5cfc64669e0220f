import type { InvitationRepository } from '../storage/invitation-repository.ts';

/**
 * What a researcher's answers to invitations mean for their suggestions, asked in one place: people
 * they blocked or declined are left out for good, people they dismissed until the cooldown ends.
 * (The digest's Lua script applies the same rule inside its atomic write.)
 */
export class InvitationFeedback {
  constructor(private readonly invitations: InvitationRepository) {}

  async peopleToLeaveOut(recipient: string, now = Date.now()): Promise<string[]> {
    const feedback = await this.invitations.feedback(recipient);
    return [...feedback]
      .filter(([, f]) => f.kind !== 'dismissed' || f.until > now)
      .map(([candidate]) => candidate);
  }
}
