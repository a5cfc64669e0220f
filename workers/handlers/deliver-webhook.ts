import { createHmac } from 'node:crypto';
import type { Container } from '../../src/container.ts';
import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';

export const SIGNATURE_HEADER = 'x-peerscout-signature';

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs a new invitation to the platform's webhook, signed with HMAC-SHA256 of the body. A non-2xx
 * answer or a network error throws, so BullMQ retries with backoff.
 */
export async function deliverWebhook(container: Container, payload: ParsedJobPayload<'deliver-webhook'>) {
  const webhook = container.config.webhook;
  if (!webhook) return { skipped: 'no webhook configured' };
  const invitation = await container.repositories.invitations.get(payload.invitationId);
  if (!invitation) return { skipped: 'invitation no longer exists' };
  const body = JSON.stringify({ event: payload.event, invitation });
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(webhook.secret, body) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  return { delivered: payload.invitationId, status: response.status };
}
