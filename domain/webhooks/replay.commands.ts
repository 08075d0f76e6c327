import type { CommandContext } from '../shared/context.js';
import { Conflict, type FieldIssue, ValidationFailed } from '../shared/errors.js';
import { MS_PER_DAY, toMillis } from '../shared/time.js';
import type { WebhookEndpoint } from './endpoint.js';
import type { NewWebhookReplay, WebhookReplay } from './replay.js';
import { unknownEvents } from './subscriptions.js';

// Asking for a replay (replay.ts says what one is).

/**
 * A replay asked for: a window that has ended and that the archive still holds, of events the
 * catalog knows, for an endpoint that receives events.
 */
export function requestReplay(
  endpoint: WebhookEndpoint,
  input: NewWebhookReplay,
  archiveRetentionDays: number,
  ctx: Pick<CommandContext, 'now' | 'actor' | 'newId'>,
): WebhookReplay {
  const issues: FieldIssue[] = [...unknownEvents(input.events ?? [])];
  if (toMillis(input.from) >= toMillis(input.to)) issues.push({ path: 'to', message: 'must be after from' });
  if (toMillis(input.to) > toMillis(ctx.now))
    issues.push({ path: 'to', message: 'must not be in the future' });
  if (toMillis(input.from) < toMillis(ctx.now) - archiveRetentionDays * MS_PER_DAY)
    issues.push({
      path: 'from',
      message: `must be within the archive's ${archiveRetentionDays} days`,
    });
  if (issues.length > 0) throw new ValidationFailed(issues);
  if (endpoint.status !== 'enabled')
    throw new Conflict(`webhook endpoint ${endpoint.id} is disabled: enable it before replaying to it`);
  return {
    id: ctx.newId('webhookReplay'),
    endpointId: endpoint.id,
    from: input.from,
    to: input.to,
    events: input.events ?? null,
    status: 'requested',
    requestedBy: ctx.actor.userId,
    requestedAt: ctx.now,
  };
}
