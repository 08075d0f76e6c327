import { randomUUID } from 'node:crypto';
import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AccessRequest, LocalIam } from './iam.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './template.js';
import type { LocalUsage } from './usage.js';

// DynamoDB's endpoint, locally: a proxy in front of DynamoDB Local (which checks no permission)
// that asks IAM first, as DynamoDB does. Each request says its operation (X-Amz-Target) and its
// tables and indexes (the body); the IAM actions it needs are the ones AWS documents per
// operation (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/api-permissions-reference.html):
// a transaction needs the action of each item it holds (PutItem, UpdateItem, DeleteItem,
// ConditionCheckItem; GetItem for TransactGetItems), a batch its own action on each table, a
// Query or Scan of an index the action on `table/<name>/index/<index>`. A refusal is DynamoDB's
// 400 AccessDeniedException; an allowed request goes on to DynamoDB Local as it came, but for the
// access key its signature names: the runtime's database's (DynamoDB Local, which checks no
// signature, keeps a database per access key id unless it runs with -sharedDb).

const tableArn = (name: string) =>
  name.startsWith('arn:') ? name : `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${name}`;

/** DynamoDB Local's stream ARNs (its own region and label) read as the template names them. */
function streamArn(text: string): string {
  const table = /table\/([^/|]+)\/stream/.exec(text)?.[1];
  return table ? `${tableArn(table)}/stream/local` : '*';
}

const TRANSACT_ACTIONS: Record<string, string> = {
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  Get: 'dynamodb:GetItem',
};

/** What IAM is asked for one DynamoDB (or DynamoDB Streams) request. */
export function dynamoDbAccess(target: string, input: any): AccessRequest[] {
  const [service, operation = ''] = target.split('.');
  if (service?.startsWith('DynamoDBStreams')) {
    const arn = streamArn(String(input.StreamArn ?? input.ShardIterator ?? input.TableName ?? ''));
    return [{ action: `dynamodb:${operation}`, resource: operation === 'ListStreams' ? '*' : arn }];
  }
  switch (operation) {
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return (input.TransactItems ?? []).flatMap((item: Record<string, { TableName?: string }>) =>
        Object.entries(item).map(([kind, detail]) => ({
          action: TRANSACT_ACTIONS[kind] ?? `dynamodb:${kind}`,
          resource: tableArn(String(detail.TableName)),
        })),
      );
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(input.RequestItems ?? {}).map((table) => ({
        action: `dynamodb:${operation}`,
        resource: tableArn(table),
      }));
    case 'Query':
    case 'Scan':
      return [
        {
          action: `dynamodb:${operation}`,
          resource: `${tableArn(String(input.TableName))}${input.IndexName ? `/index/${input.IndexName}` : ''}`,
        },
      ];
    default:
      return [
        {
          action: `dynamodb:${operation}`,
          resource: input.TableName ? tableArn(String(input.TableName)) : '*',
        },
      ];
  }
}

/** A SigV4 Authorization header naming this access key in its credential scope. */
export function withAccessKey(authorization: string, accessKeyId: string): string {
  return authorization.replace(/Credential=[^/,\s]+\//, `Credential=${accessKeyId}/`);
}

/** The operations that write items (and so stream records). */
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'ExecuteStatement',
  'BatchExecuteStatement',
  'ExecuteTransaction',
]);

/**
 * With a meter (usage.ts), each request asks DynamoDB Local for its ConsumedCapacity (TOTAL,
 * unless the caller asked for more) and the meter is told the units of the answer; the answer
 * goes back as DynamoDB Local wrote it (its CRC32 intact).
 */
export function dynamoDbProxy(
  iam: LocalIam,
  database: () => string,
  usage?: LocalUsage,
  /** Told after each write DynamoDB Local answered (the stream pollers read soon, not after a quiet wait). */
  onWrite?: () => void,
  /** The access key of the runtime's database in DynamoDB Local: every request goes in under it. */
  databaseKey?: string,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const caller = iam.callerOf(req.headers);
    const refuse = (type: string, message: string) => {
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-requestid': randomUUID(),
      });
      res.end(JSON.stringify({ __type: type, message }));
    };
    if (caller.kind === 'anonymous')
      return refuse(
        'com.amazon.coral.service#MissingAuthenticationTokenException',
        'Request is missing Authentication Token',
      );
    if (caller.kind === 'role') {
      let input: unknown = {};
      try {
        input = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        // DynamoDB Local answers a body that is not JSON with its own error
      }
      const denied = await iam.authorize(
        caller,
        dynamoDbAccess(String(req.headers['x-amz-target'] ?? ''), input),
      );
      if (denied) return refuse('com.amazonaws.dynamodb.v20120810#AccessDeniedException', denied.message);
    }
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const metered = usage && !String(req.headers['x-amz-target'] ?? '').startsWith('DynamoDBStreams');
    let sent = body;
    if (metered) {
      try {
        const input = JSON.parse(body.toString('utf8') || '{}');
        if (!input.ReturnConsumedCapacity || input.ReturnConsumedCapacity === 'NONE') {
          input.ReturnConsumedCapacity = 'TOTAL';
          sent = Buffer.from(JSON.stringify(input));
        }
      } catch {
        // not JSON: DynamoDB Local answers it with its own error
      }
    }
    const written = WRITES.has(operation) ? onWrite : undefined;
    const target = new URL(database());
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          ...(databaseKey && req.headers.authorization
            ? { authorization: withAccessKey(req.headers.authorization, databaseKey) }
            : {}),
          'content-length': String(sent.length),
        },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 500, answer.headers);
        if (written) answer.on('end', written);
        if (!metered) {
          answer.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        answer.on('data', (c: Buffer) => parts.push(c));
        answer.on('end', () => {
          const text = Buffer.concat(parts);
          res.end(text);
          try {
            usage.capacity(operation, JSON.parse(text.toString('utf8')).ConsumedCapacity);
          } catch {
            usage.capacity(operation, undefined);
          }
        });
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: `DynamoDB Local: ${error.message}` }));
      } else res.destroy(error);
    });
    forward.end(sent);
  };
}
