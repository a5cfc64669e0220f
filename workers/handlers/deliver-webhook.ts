import type { Container } from '../../src/container.ts';
import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';

/** Posts one invitation to the platform's webhook (see WebhooksService). */
export function deliverWebhook(container: Container, payload: ParsedJobPayload<'deliver-webhook'>) {
  return container.services.webhooks.deliver(payload.invitationId, payload.event);
}
