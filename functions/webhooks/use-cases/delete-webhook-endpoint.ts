import { emit } from '../../../domain/events.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/**
 * Nothing more is sent to the endpoint: its pending deliveries are given up when they come due.
 * Its deliveries and replays stay readable by nobody (the routes answer 404) until their TTL.
 */
export function deleteWebhookEndpoint(
  s: Pick<Services, 'webhookEndpoints' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<void> {
  return versionedCommand({
    ifMatch,
    entity: 'webhook endpoint',
    load: () => s.webhookEndpoints.require(id),
    run: async (current) => {
      await s.webhookEndpoints
        .remove(new UnitOfWork(), current)
        .events([emit(ctx, 'WebhookEndpointDeleted', { endpointId: current.id })])
        .commit(s.store);
    },
  });
}
