import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { InvitationsService } from '../../src/services/invitations-service.ts';

/** One chunk of a digest run (see InvitationsService.fanOut). */
export function invitationDigestFanout(
  invitations: InvitationsService,
  payload: ParsedJobPayload<'invitation-digest-fanout'>,
  jobId: string,
) {
  return invitations.fanOut(payload, jobId);
}

export async function invitationDigest(
  invitations: InvitationsService,
  payload: ParsedJobPayload<'invitation-digest'>,
) {
  return { ...payload, ...(await invitations.digest(payload.researcherId, payload.period)) };
}
