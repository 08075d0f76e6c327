import { type EventBridgeClient, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { replayName, type WebhookReplay } from '../../../domain/webhooks/replay.js';

// A webhook replay started on EventBridge: the archive's events of the window, sent back to the
// bus for the webhook sender's rule alone, under a name that leads back to the replay record.

export interface ArchiveReplays {
  /** Started (or started before: the same name); the error when EventBridge refused it for good. */
  start(replay: WebhookReplay): Promise<{ started: true } | { error: string }>;
}

/** Refusals a retry will not change (a throttle or a quota is retried by the queue instead). */
const FINAL = new Set(['ValidationException', 'ResourceNotFoundException', 'InvalidEventPatternException']);

export function eventBridgeReplays(
  client: EventBridgeClient,
  where: { archiveArn: () => string; busArn: () => string; ruleArn: () => string },
): ArchiveReplays {
  return {
    async start(replay) {
      try {
        await client.send(
          new StartReplayCommand({
            ReplayName: replayName(replay),
            Description: `webhook replay ${replay.id} to ${replay.endpointId}`,
            EventSourceArn: where.archiveArn(),
            EventStartTime: new Date(replay.from),
            EventEndTime: new Date(replay.to),
            Destination: { Arn: where.busArn(), FilterArns: [where.ruleArn()] },
          }),
        );
        return { started: true };
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ResourceAlreadyExistsException') return { started: true };
        if (FINAL.has(name)) return { error: `${name}: ${(error as Error).message}` };
        throw error;
      }
    },
  };
}
