import { EVENTS, type EventName } from '../events.js';
import type { FieldIssue } from '../shared/errors.js';
import type { WebhookEndpoint } from './endpoint.js';

// Which events an endpoint receives. An endpoint names detail-types of the catalog
// (domain/events.ts), or "*" for all of them; the webhook machinery's own requests are never sent,
// and a WebhookTest goes only to the endpoint it tests.

/** Events that ask the webhook sender to act: they are not sent to endpoints. */
export const WEBHOOK_REQUESTS: readonly EventName[] = ['WebhookResendRequested', 'WebhookReplayRequested'];

/** The detail-types an endpoint may name. */
export const SUBSCRIBABLE: readonly string[] = (Object.keys(EVENTS) as EventName[]).filter(
  (name) => !WEBHOOK_REQUESTS.includes(name) && name !== 'WebhookTest',
);

/** The names an endpoint (or a replay) may not name, as one 422 issue listing them all. */
export function unknownEvents(events: string[], path = 'events'): FieldIssue[] {
  const unknown = events.filter((e) => e !== '*' && !SUBSCRIBABLE.includes(e));
  if (unknown.length === 0) return [];
  return [
    {
      path,
      message: `unknown event type(s): ${unknown.join(', ')} (docs/events.md lists them; "*" is every one)`,
    },
  ];
}

/** Whether an event of this detail-type, with this data, goes to the endpoint. */
export function receives(
  endpoint: Pick<WebhookEndpoint, 'id' | 'events'>,
  detailType: string,
  data: unknown,
): boolean {
  if (detailType === 'WebhookTest')
    return (data as { endpointId?: unknown } | null)?.endpointId === endpoint.id;
  if (!SUBSCRIBABLE.includes(detailType)) return false;
  return endpoint.events.includes('*') || endpoint.events.includes(detailType);
}
