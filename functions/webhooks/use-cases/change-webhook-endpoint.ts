import { emit } from '../../../domain/events.js';
import { ValidationFailed } from '../../../domain/shared/errors.js';
import {
  changeEndpoint as decide,
  summary,
  type WebhookEndpoint,
  type WebhookEndpointPatch,
} from '../../../domain/webhooks/endpoint.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';
import { endpointIssues } from './create-webhook-endpoint.js';

/** An admin changes an endpoint's URL, events, description, or enables or disables it. */
export async function changeWebhookEndpoint(
  s: Pick<Services, 'webhookEndpoints' | 'store' | 'settings'>,
  id: string,
  patch: WebhookEndpointPatch,
  { ctx, ifMatch }: CommandInput,
): Promise<WebhookEndpoint> {
  const issues = await endpointIssues(s, patch);
  if (issues.length > 0) throw new ValidationFailed(issues);
  return versionedCommand({
    ifMatch,
    entity: 'webhook endpoint',
    load: () => s.webhookEndpoints.require(id),
    run: async (current) => {
      const { endpoint, changed } = decide(current, patch, ctx.now);
      if (changed.length === 0) return current;
      await s.webhookEndpoints
        .update(new UnitOfWork(), current, endpoint)
        .events([emit(ctx, 'WebhookEndpointUpdated', { endpoint: summary(endpoint), changed })])
        .commit(s.store);
      return endpoint;
    },
  });
}
