import { createHmac } from 'node:crypto';
import type { InvitationRepository } from '../storage/invitation-repository.ts';

export const SIGNATURE_HEADER = 'x-peerscout-signature';
/** The same for every attempt at one invitation's event: receivers can drop a repeat by it. */
export const DELIVERY_HEADER = 'x-peerscout-delivery';
const DELIVERY_TIMEOUT_MS = 10_000;

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs new invitations to the platform's webhook, signed with HMAC-SHA256 of the body. A 2xx answer
 * is recorded on the invitation in Redis, and a recorded invitation is never posted again; a non-2xx
 * answer or a network error throws, so the job retries with backoff.
 */
export class WebhooksService {
  constructor(
    private readonly deps: {
      invitations: InvitationRepository;
      webhook: { url: string; secret: string } | null;
    },
  ) {}

  async deliver(invitationId: string, event: 'invitation.created') {
    const { webhook, invitations } = this.deps;
    if (!webhook) return { skipped: 'no webhook configured' };
    if (await invitations.webhookDeliveredAt(invitationId)) return { skipped: 'already delivered' };
    const invitation = await invitations.get(invitationId);
    if (!invitation) return { skipped: 'invitation no longer exists' };
    const body = JSON.stringify({ event, invitation });
    const response = await fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: sign(webhook.secret, body),
        [DELIVERY_HEADER]: `${event}:${invitationId}`,
      },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    await invitations.markWebhookDelivered(invitationId);
    return { delivered: invitationId, status: response.status };
  }
}
