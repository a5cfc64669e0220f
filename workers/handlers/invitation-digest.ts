import type { Container } from '../../src/container.ts';
import { isoWeek, type ParsedJobPayload } from '../../src/jobs/definitions.ts';

/** Researchers handled by one fan-out job before it hands the rest to the next one. */
const FANOUT_CHUNK = 200;

/**
 * One chunk of the digest fan-out: a digest job per claimed researcher, each with a deterministic id
 * (period + researcher) so a repeated fan-out adds nothing twice, then a job for the next chunk.
 */
export async function invitationDigestFanout(
  container: Container,
  payload: ParsedJobPayload<'invitation-digest-fanout'>,
) {
  const period = payload.period ?? isoWeek(new Date());
  const { next, ids } = await container.repositories.researchers.scanClaimed(payload.cursor, FANOUT_CHUNK);
  await container.queues.addBulk(
    'invitation-digest',
    ids.map((researcherId) => ({
      payload: { researcherId, period },
      options: { jobId: `digest-${period}-${researcherId}` },
    })),
  );
  if (next !== '0') {
    await container.queues.add(
      'invitation-digest-fanout',
      { period, cursor: next },
      { jobId: `fanout-${period}-${next}` },
    );
  }
  return { period, researchers: ids.length, next };
}

export async function invitationDigest(container: Container, payload: ParsedJobPayload<'invitation-digest'>) {
  const result = await container.services.invitations.digest(payload.researcherId, payload.period);
  return { ...payload, ...result };
}
