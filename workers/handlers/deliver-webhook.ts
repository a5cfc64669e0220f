import type { ParsedJobPayload } from '../../src/jobs/definitions.ts';
import type { WebhooksService } from '../../src/services/webhooks-service.ts';

/** Posts one invitation to the platform's webhook (see WebhooksService). */
export function deliverWebhook(webhooks: WebhooksService, payload: ParsedJobPayload<'deliver-webhook'>) {
  return webhooks.deliver(payload.invitationId, payload.event);
}
