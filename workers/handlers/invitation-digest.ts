import type { Container } from '../../src/container.ts';
import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';

/** One chunk of a digest run (see InvitationsService.fanOut). */
export function invitationDigestFanout(
  container: Container,
  payload: ParsedJobPayload<'invitation-digest-fanout'>,
  jobId: string,
) {
  return container.services.invitations.fanOut(payload, jobId);
}

export async function invitationDigest(container: Container, payload: ParsedJobPayload<'invitation-digest'>) {
  const result = await container.services.invitations.digest(payload.researcherId, payload.period);
  return { ...payload, ...result };
}
