import type { InvocationResult } from './lambdas.js';
import type { LocalFunction } from './template.js';

// The billable units the local runtime serves, counted where it serves them (bench/cost.ts
// prices them; docs/costs.md). One meter per runtime, fed by the services it runs:
//   - Lambda: every invocation of every environment (lambdas.ts), its measured duration and the
//     function's MemorySize from the template, and whether it started a new environment;
//   - DynamoDB: the capacity units DynamoDB Local reports for each request the functions make
//     through DynamoDB's endpoint (dynamodb-iam.ts asks for ReturnConsumedCapacity TOTAL when
//     metering), by operation; DynamoDB Local does not double a transaction's units as DynamoDB
//     bills them (2 per item read or written), so they are doubled here;
//   - DynamoDB Streams: the GetRecords the stream mappings make (stream.ts);
//   - SQS: each message sent (by a function, a rule's target, a destination: sqs.ts), each other
//     request a function makes, and the receive and delete of each batch a queue mapping takes
//     (queue-poller.ts);
//   - S3: each request by its pricing class (PUT, COPY, POST, LIST: tier 1; GET and the rest:
//     tier 2; DELETE: free), including an AWS service's own PutObject (SES writing mail), and the
//     bytes each put stores (s3.ts).
// What the runtime keeps anyway is read from where it is: the bus's events and the rules each
// matched (event-bus.ts), the X-Ray segments (.local/traces.jsonl), the mail SES sent, the lines
// each function prints (the logger's functionOutput).

export interface FunctionUsage {
  name: string;
  memoryMb: number;
  invocations: number;
  coldStarts: number;
  /** Sum of the invocations' durations (what Lambda bills, rounded up to 1 ms each). */
  billedMs: number;
  /** Sum of the cold starts' init durations (Lambda bills the init phase of managed runtimes since 2025-08). */
  initMs: number;
}

export interface CapacityUsage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

export class LocalUsage {
  readonly functions = new Map<string, FunctionUsage>();
  readonly dynamodb = new Map<string, CapacityUsage>();
  streamReads = 0;
  readonly sqs = new Map<string, number>();
  readonly s3 = { tier1: 0, tier2: 0, deletes: 0, bytesPut: 0 };

  lambda(fn: LocalFunction, result: InvocationResult): void {
    const u = this.functions.get(fn.name) ?? {
      name: fn.name,
      memoryMb: fn.memoryMb,
      invocations: 0,
      coldStarts: 0,
      billedMs: 0,
      initMs: 0,
    };
    u.invocations++;
    u.billedMs += Math.max(1, Math.ceil(result.durationMs));
    if (result.coldStartMs !== undefined) {
      u.coldStarts++;
      u.initMs += result.coldStartMs;
    }
    this.functions.set(fn.name, u);
  }

  /** One DynamoDB request and the ConsumedCapacity its answer holds (one entry, or one per table). */
  capacity(operation: string, consumed: unknown): void {
    const u = this.dynamodb.get(operation) ?? { requests: 0, readUnits: 0, writeUnits: 0 };
    u.requests++;
    const factor = operation.startsWith('Transact') ? 2 : 1;
    for (const c of (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
      CapacityUnits?: number;
      ReadCapacityUnits?: number;
      WriteCapacityUnits?: number;
    }[]) {
      const read = c.ReadCapacityUnits ?? 0;
      const write = c.WriteCapacityUnits ?? 0;
      // an answer with only CapacityUnits: a read operation's units are reads, a write's writes
      const rest = read || write ? 0 : (c.CapacityUnits ?? 0);
      const isRead = /^(Get|BatchGet|Query|Scan|TransactGet)/.test(operation);
      u.readUnits += factor * (read + (isRead ? rest : 0));
      u.writeUnits += factor * (write + (isRead ? 0 : rest));
    }
    this.dynamodb.set(operation, u);
  }

  sqsRequest(action: string, n = 1): void {
    this.sqs.set(action, (this.sqs.get(action) ?? 0) + n);
  }

  s3Request(method: string, bytes = 0): void {
    if (method === 'DELETE') this.s3.deletes++;
    else if (method === 'PUT' || method === 'POST' || method === 'LIST') this.s3.tier1++;
    else this.s3.tier2++;
    if (method === 'PUT') this.s3.bytesPut += bytes;
  }
}
