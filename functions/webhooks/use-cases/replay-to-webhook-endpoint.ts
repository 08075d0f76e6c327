import { emit } from '../../../domain/events.js';
import { requestReplay as decide } from '../../../domain/webhooks/replay.commands.js';
import type { NewWebhookReplay, WebhookReplay } from '../../../domain/webhooks/replay.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** A replay asked for, with its event: the webhook sender starts the archive's replay. */
export async function replayToWebhookEndpoint(
  s: Pick<Services, 'webhookEndpoints' | 'webhookReplays' | 'store' | 'settings'>,
  endpointId: string,
  body: NewWebhookReplay,
  { ctx }: CommandInput,
): Promise<WebhookReplay> {
  const endpoint = await s.webhookEndpoints.require(endpointId);
  const replay = decide(endpoint, body, s.settings.webhooks.archiveRetentionDays, ctx);
  await s.webhookReplays
    .create(new UnitOfWork(), replay)
    .events([emit(ctx, 'WebhookReplayRequested', { replay })])
    .commit(s.store);
  return replay;
}
