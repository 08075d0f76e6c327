import type { _Record, DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../functions/operations/use-cases/classify-dead-letter.js';
import { readStreamBatch } from '../../../functions/operations/use-cases/redrive.js';

// A relay batch's redrive reads its records again from the table's stream. DynamoDB Streams may
// answer empty pages before a shard's records ("it might take multiple calls to get to a portion
// of the shard that contains stream records", GetRecords' documentation); DynamoDB Local never
// does, so the pages here come from a fake DynamoDB Streams client.

const STREAM = 'arn:aws:dynamodb:us-east-1:123456789012:table/T/stream/2026-12-07T00:00:00.000';

function letter(start: number, end: number): Extract<DeadLetter, { kind: 'stream-batch' }> {
  return {
    kind: 'stream-batch',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Relay',
    condition: 'RetryAttemptsExhausted',
    streamArn: STREAM,
    shardId: 'shardId-1',
    startSequenceNumber: String(start),
    endSequenceNumber: String(end),
    batchSize: end - start + 1,
    error: 'the relay failed',
  };
}

/** A record of the shard: an outbox item's INSERT (a number), or another item's write. */
type Entry = number | { entity: number };
const record = (e: Entry): _Record =>
  typeof e === 'number'
    ? { eventName: 'INSERT', dynamodb: { SequenceNumber: String(e), Keys: { pk: { S: `OUTBOX#${e}` } } } }
    : {
        eventName: 'MODIFY',
        dynamodb: { SequenceNumber: String(e.entity), Keys: { pk: { S: `DEAL#${e.entity}` } } },
      };

/** A shard read page by page as given (an empty array is an empty page); `open`: it never ends. */
function fakeStream(pages: Entry[][], open = true) {
  const calls: string[] = [];
  const client = {
    send: async (command: unknown) => {
      if (command instanceof GetShardIteratorCommand) {
        calls.push(`iterator at ${command.input.SequenceNumber}`);
        return { ShardIterator: 'page-0' };
      }
      if (command instanceof GetRecordsCommand) {
        const page = Number(String(command.input.ShardIterator).slice('page-'.length));
        calls.push(`page ${page}`);
        const last = page >= pages.length - 1;
        return {
          Records: (pages[page] ?? []).map(record),
          NextShardIterator: last && !open ? undefined : `page-${page + 1}`,
        };
      }
      throw new Error(`unexpected ${String(command)}`);
    },
  };
  return { streams: client as unknown as DynamoDBStreamsClient, calls };
}

const sequenceNumbers = (records: _Record[]) => records.map((r) => Number(r.dynamodb?.SequenceNumber));

describe('a relay batch read again from its stream (a fake DynamoDB Streams: its empty pages)', () => {
  it('reads on past empty pages to the batch', async () => {
    const { streams } = fakeStream([[], [], [10, 11], [12, 13, 14]]);
    const records = await readStreamBatch(streams, letter(10, 13));
    expect(sequenceNumbers(records)).toEqual([10, 11, 12, 13]);
  });

  it("hands over only the outbox records, the batch's, with the table's other writes between them left out", async () => {
    // the batch [10, 12, 14] (batchSize 3): the mapping's filter took the deal's writes out
    const { streams } = fakeStream([
      [10, { entity: 11 }, 12],
      [{ entity: 13 }, 14, 15],
    ]);
    const batch = { ...letter(10, 14), batchSize: 3 };
    expect(sequenceNumbers(await readStreamBatch(streams, batch))).toEqual([10, 12, 14]);
  });

  it("stops at the batch's last record, not reading the shard's later pages", async () => {
    const { streams, calls } = fakeStream([[10, 11, 12], [13, 14], [15]]);
    expect(sequenceNumbers(await readStreamBatch(streams, letter(10, 12)))).toEqual([10, 11, 12]);
    expect(calls).toEqual(['iterator at 10', 'page 0']);
  });

  it('gives up, with nothing, on a shard that answers only empty pages (its records trimmed)', async () => {
    const { streams, calls } = fakeStream([[]]);
    expect(await readStreamBatch(streams, letter(10, 12))).toEqual([]);
    // bounded: it does not read an open shard's tip for ever
    expect(calls.filter((c) => c.startsWith('page')).length).toBeLessThanOrEqual(20);
  });

  it('ends where a closed shard ends', async () => {
    const { streams, calls } = fakeStream([[], [10]], false);
    expect(sequenceNumbers(await readStreamBatch(streams, letter(10, 12)))).toEqual([10]);
    expect(calls).toEqual(['iterator at 10', 'page 0', 'page 1']);
  });
});
