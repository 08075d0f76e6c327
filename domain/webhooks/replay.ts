import { idSchema } from '../shared/ids.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// A replay sends an endpoint, again, what it would have received in a window of time: the events
// are read back from the bus archive (EventBridge replays them to the webhook sender's rule
// alone), so each is sent with its own id as webhook-id and the body it had, whether the endpoint
// received it then, missed it while it was disabled, or did not exist yet.

export const WebhookReplayId = idSchema('webhookReplay');

export const ReplayStatus = z
  .enum(['requested', 'started', 'failed'])
  .describe(
    'requested: waiting for the archive; started: the archive is sending its events; failed: see error',
  );

export const WebhookReplay = z
  .object(() => ({
    id: WebhookReplayId,
    endpointId: z.string(),
    from: Instant,
    to: Instant,
    events: z.array(z.string()).nullable().describe("only these detail-types (null: the endpoint's own)"),
    status: ReplayStatus,
    error: z.string().optional(),
    requestedBy: z.string(),
    requestedAt: Instant,
    startedAt: Instant.optional(),
  }))
  .register(z.globalRegistry, { id: 'WebhookReplay' });
export type WebhookReplay = z.infer<typeof WebhookReplay>;

export const NewWebhookReplay = z
  .strictObject(() => ({
    from: Instant.describe('the window starts here (event time, inclusive)'),
    to: Instant.describe('and ends here (exclusive); at most now'),
    events: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(100)
      .optional()
      .describe("only these detail-types (default: the endpoint's own)"),
  }))
  .register(z.globalRegistry, { id: 'NewWebhookReplay' });
export type NewWebhookReplay = z.infer<typeof NewWebhookReplay>;

/** The name EventBridge gives the replay: it leads the webhook sender back to this record. */
export function replayName(replay: Pick<WebhookReplay, 'id' | 'endpointId'>): string {
  return `${replay.endpointId}.${replay.id}`;
}

export function fromReplayName(name: string): { endpointId: string; replayId: string } | undefined {
  const [endpointId, replayId, ...rest] = name.split('.');
  if (!endpointId || !replayId || rest.length > 0) return undefined;
  return { endpointId, replayId };
}
