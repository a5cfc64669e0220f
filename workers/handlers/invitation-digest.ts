import { type Job, WaitingChildrenError } from 'bullmq';
import { isoWeek, type ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { InvitationsService } from '../../src/services/invitations-service.ts';

/**
 * A digest run (BullMQ's process-step pattern): the period and each finished step are saved in the
 * job's data, so a retried or stalled run resumes where it stopped. The run queues a proposal job per
 * claimed researcher as its children, waits for them (waiting-children), and then writes every digest
 * at once, so who gets a capped candidate is decided over all recipients, not by job order.
 */
export async function invitationDigestRun(
  invitations: InvitationsService,
  payload: ParsedJobPayload<'invitation-digest-run'>,
  job: Job,
  token: string | undefined,
) {
  const run = job.id!;
  let data = { ...payload, period: payload.period ?? isoWeek(new Date()) };
  if (payload.period === undefined) await job.updateData(data);
  while (data.step === 'propose') {
    const { next } = await invitations.queueProposals(data.period, run, data.cursor, {
      id: run,
      queue: job.queueQualifiedName,
    });
    data = next === '0' ? { ...data, step: 'write', cursor: '0' } : { ...data, cursor: next };
    await job.updateData(data);
  }
  if (token && (await job.moveToWaitingChildren(token))) throw new WaitingChildrenError();
  return invitations.writeRun(data.period, run);
}

export function invitationDigestProposal(
  invitations: InvitationsService,
  payload: ParsedJobPayload<'invitation-digest-proposal'>,
) {
  return invitations.proposeForRun(payload.researcherId, payload.period, payload.run);
}

export async function invitationDigest(
  invitations: InvitationsService,
  payload: ParsedJobPayload<'invitation-digest'>,
) {
  return { ...payload, ...(await invitations.digest(payload.researcherId, payload.period)) };
}
