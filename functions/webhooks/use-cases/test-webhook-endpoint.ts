import { emit } from '../../../domain/events.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/**
 * A WebhookTest event for one endpoint, through the outbox and the bus like every event, so the
 * test exercises the whole path an event takes; its delivery is in the endpoint's log.
 */
export async function testWebhookEndpoint(
  s: Pick<Services, 'webhookEndpoints' | 'store'>,
  id: string,
  { ctx }: CommandInput,
): Promise<{ deliveryId: string }> {
  const endpoint = await s.webhookEndpoints.require(id);
  const event = emit(ctx, 'WebhookTest', {
    endpointId: endpoint.id,
    message: 'A test from Handoff: if you can read this, the endpoint receives events.',
  });
  await new UnitOfWork().events([event]).commit(s.store);
  return { deliveryId: event.detail.id };
}
