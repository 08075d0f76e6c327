import { emit } from '../../../domain/events.js';
import { Conflict } from '../../../domain/shared/errors.js';
import { reopen, type WebhookDelivery } from '../../../domain/webhooks/delivery.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { retryOnConflict } from '../../lib/versioned-command.js';

/**
 * A delivery sent again, with the same webhook-id and body: a new round of attempts, started by
 * its event (WebhookResendRequested) through the outbox, so the request and the send are one
 * transaction apart and neither can be lost. A delivery still pending is being sent already.
 */
export function resendWebhookDelivery(
  s: Pick<Services, 'webhookEndpoints' | 'webhookDeliveries' | 'store'>,
  endpointId: string,
  deliveryId: string,
  { ctx }: CommandInput,
): Promise<WebhookDelivery> {
  return retryOnConflict(undefined, async () => {
    await s.webhookEndpoints.require(endpointId);
    const before = await s.webhookDeliveries.require(endpointId, deliveryId);
    if (before.status === 'pending')
      throw new Conflict(
        `webhook delivery ${deliveryId} is being sent already (its next attempt is due ${before.nextAttemptAt})`,
      );
    const after = reopen(before, 'resend', ctx.now);
    await s.webhookDeliveries
      .reopen(new UnitOfWork(), before, after)
      .events([emit(ctx, 'WebhookResendRequested', { endpointId, deliveryId, round: after.round })])
      .commit(s.store);
    return after;
  });
}
