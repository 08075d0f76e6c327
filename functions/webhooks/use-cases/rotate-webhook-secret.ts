import { emit } from '../../../domain/events.js';
import { rotateSecret as decide, summary, type WebhookEndpoint } from '../../../domain/webhooks/endpoint.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { newSigningSecret } from '../../lib/webhooks/secret.js';

/** A new signing secret, answered once; the one it replaces signs beside it for 24 hours. */
export function rotateWebhookSecret(
  s: Pick<Services, 'webhookEndpoints' | 'store'>,
  id: string,
  { ctx, ifMatch }: CommandInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  return versionedCommand({
    ifMatch,
    entity: 'webhook endpoint',
    load: () => s.webhookEndpoints.require(id),
    run: async (current) => {
      const endpoint = decide(current, ctx.now);
      const secret = newSigningSecret();
      await s.webhookEndpoints
        .rotate(new UnitOfWork(), current, endpoint, secret)
        .events([emit(ctx, 'WebhookEndpointUpdated', { endpoint: summary(endpoint), changed: ['secret'] })])
        .commit(s.store);
      return { endpoint, secret };
    },
  });
}
