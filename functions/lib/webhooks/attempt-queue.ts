import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

// The queue of webhook attempts waiting for their time (docs/architecture.md, decision 16). SQS
// delays a message by at most 15 minutes, so a longer wait is a chain of hops: each message
// carries the wait still to go, and a message received before its time is sent on again with the
// next part of the wait. The waits are the queue's own, which the local runtime's --time-scale
// shortens as it does every wait AWS makes.

/** SQS's longest DelaySeconds. */
export const LONGEST_HOP_SECONDS = 900;

/** The next attempt of a delivery's round, and how long it still waits. */
export interface AttemptMessage {
  kind: 'attempt';
  endpointId: string;
  deliveryId: string;
  round: number;
  /** The attempt this message makes, from 1 in its round. */
  attempt: number;
  /** Seconds still to wait once this message is received. */
  waitSeconds: number;
}

export function isAttemptMessage(body: unknown): body is AttemptMessage {
  return (body as { kind?: unknown } | null)?.kind === 'attempt';
}

export interface AttemptQueue {
  /** Sends the message to arrive after `waitSeconds` (in hops of at most 15 minutes). */
  schedule(messages: { message: Omit<AttemptMessage, 'waitSeconds'>; waitSeconds: number }[]): Promise<void>;
}

function hop(message: Omit<AttemptMessage, 'waitSeconds'>, waitSeconds: number) {
  const delay = Math.max(0, Math.min(LONGEST_HOP_SECONDS, Math.ceil(waitSeconds)));
  return {
    MessageBody: JSON.stringify({ ...message, waitSeconds: Math.max(0, Math.ceil(waitSeconds) - delay) }),
    DelaySeconds: delay,
  };
}

export function sqsAttemptQueue(client: SQSClient, queueUrl: () => string): AttemptQueue {
  return {
    async schedule(messages) {
      if (messages.length === 1) {
        const [{ message, waitSeconds }] = messages as [(typeof messages)[number]];
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl(), ...hop(message, waitSeconds) }));
        return;
      }
      for (let i = 0; i < messages.length; i += 10) {
        const entries = messages
          .slice(i, i + 10)
          .map(({ message, waitSeconds }, j) => ({ Id: String(j), ...hop(message, waitSeconds) }));
        const out = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl(), Entries: entries }),
        );
        if (out.Failed?.length)
          throw new Error(
            `SQS refused ${out.Failed.length} message(s): ${out.Failed.map((f) => f.Message).join('; ')}`,
          );
      }
    },
  };
}
