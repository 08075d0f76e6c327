import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../../infra/local/dynamodb-local.js';
import { LocalSqs } from '../../../infra/local/sqs.js';

// The local SQS keeps SQS's documented visibility rules, as the AWS SDK sees them over HTTP:
// a received message is hidden for its visibility timeout; ChangeMessageVisibility(Batch) sets
// a new timeout counted from now (0: visible at once), only for a message still in flight, with
// a handle of that queue; a batch answers each entry apart and refuses an empty, oversized or
// ambiguous batch whole.

let server: Server;
let sqs: SQSClient;
let queueUrl: string;
let queue = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-sqs-'));
  const names = new Map<string, string>(Array.from({ length: 20 }, (_, i) => [`Q${i}`, `queue ${i}`]));
  names.set('Other', 'another queue');
  const local = new LocalSqs(dir, names);
  server = createServer((req, res) => void local.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  local.setEndpoint(endpoint);
  sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
});

afterAll(async () => {
  sqs?.destroy();
  await new Promise((resolve) => server?.close(resolve));
});

beforeEach(async () => {
  // each test its own queue, so what one leaves in flight is not another's business
  queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: `Q${queue++}` }))).QueueUrl!;
});

async function receive(visibility: number, url = queueUrl): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibility,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    }),
  );
  return out.Messages ?? [];
}

async function depth(): Promise<{ visible: number; hidden: number }> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    hidden: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

const send = (body: string) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

describe('visibility on the local SQS', () => {
  it('a received message is hidden; a batch change to 0 shows each again at once, received anew', async () => {
    await send('a');
    await send('b');
    const first = await receive(30);
    expect(first.map((m) => m.Body).sort()).toEqual(['a', 'b']);
    expect(await receive(30)).toEqual([]);
    expect(await depth()).toEqual({ visible: 0, hidden: 2 });

    const changed = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: first.map((m, i) => ({
          Id: `m-${i}`,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
    expect(changed.Successful?.map((s) => s.Id).sort()).toEqual(['m-0', 'm-1']);
    expect(changed.Failed ?? []).toEqual([]);
    expect(await depth()).toEqual({ visible: 2, hidden: 0 });
    const again = await receive(30);
    expect(again.map((m) => m.Body).sort()).toEqual(['a', 'b']);
    expect(again.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2', '2']);
  });

  it('a change counts from now: a longer timeout hides the message past its first one', async () => {
    await send('x');
    const [m] = await receive(1);
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: m!.ReceiptHandle,
        VisibilityTimeout: 30,
      }),
    );
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await receive(30)).toEqual([]);
  });

  it('each entry of a batch answers apart: an unknown handle, one of another queue and a message no longer in flight fail, the others change', async () => {
    await send('in flight');
    const [inFlight] = await receive(30);
    await send('expired');
    const [expired] = await receive(0); // visible again at once: not in flight
    const otherUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'Other' }))).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl: otherUrl, MessageBody: 'elsewhere' }));
    const [elsewhere] = await receive(30, otherUrl);

    const out = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'ok', ReceiptHandle: inFlight!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'unknown', ReceiptHandle: 'not-a-handle', VisibilityTimeout: 0 },
          { Id: 'other_queue', ReceiptHandle: elsewhere!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'expired', ReceiptHandle: expired!.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'too_long', ReceiptHandle: inFlight!.ReceiptHandle, VisibilityTimeout: 43_201 },
        ],
      }),
    );
    expect(out.Successful).toEqual([{ Id: 'ok' }]);
    expect(Object.fromEntries((out.Failed ?? []).map((f) => [f.Id, [f.Code, f.SenderFault]]))).toEqual({
      unknown: ['ReceiptHandleIsInvalid', true],
      other_queue: ['ReceiptHandleIsInvalid', true],
      expired: ['MessageNotInflight', true],
      too_long: ['InvalidParameterValue', true],
    });
    expect((await receive(30)).map((m) => m.Body).sort()).toEqual(['expired', 'in flight']);
  });

  it('a single change of a message no longer in flight is refused as SQS refuses it', async () => {
    await send('gone by');
    const [m] = await receive(0);
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: m!.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      ),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
  });

  it('an empty batch, more than 10 entries, or two entries with one Id are refused whole', async () => {
    await send('m');
    const [m] = await receive(30);
    const entry = (Id: string) => ({ Id, ReceiptHandle: m!.ReceiptHandle, VisibilityTimeout: 0 });
    const batch = (Entries: ReturnType<typeof entry>[]) =>
      sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries }));
    await expect(batch([])).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(batch(Array.from({ length: 11 }, (_, i) => entry(`e${i}`)))).rejects.toMatchObject({
      name: 'TooManyEntriesInBatchRequest',
    });
    await expect(batch([entry('same'), entry('same')])).rejects.toMatchObject({
      name: 'BatchEntryIdsNotDistinct',
    });
    await expect(batch([entry('not ok!')])).rejects.toMatchObject({ name: 'InvalidBatchEntryId' });
    // nothing of a refused batch was applied: the message is still hidden
    expect(await depth()).toEqual({ visible: 0, hidden: 1 });
  });
});
