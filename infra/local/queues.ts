import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// The template's SQS queues, locally: they are all dead-letter queues, so a message is kept
// in memory (for the control API) and appended to .local/queues/<queue>.jsonl to be read later.

export interface DeadLetter {
  at: string;
  queue: string;
  source: string;
  reason: string;
  message: unknown;
}

export class LocalQueues {
  readonly messages: DeadLetter[] = [];

  constructor(
    private readonly dir: string,
    private readonly names: Map<string, string>,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  send(queueId: string, source: string, reason: string, message: unknown): void {
    const letter: DeadLetter = {
      at: new Date().toISOString(),
      queue: this.names.get(queueId) ?? queueId,
      source,
      reason,
      message,
    };
    this.messages.push(letter);
    appendFileSync(join(this.dir, `${queueId}.jsonl`), `${JSON.stringify(letter)}\n`);
  }
}
