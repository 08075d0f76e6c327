import { describe, expect, it } from 'vitest';
import { dynamoDbAccess } from '../../../infra/local/dynamodb-iam.js';
import { functionAccessKey, LocalIam } from '../../../infra/local/iam.js';
import { ROOT } from '../../../infra/local/runtime.js';
import { synthesizeIfChanged } from '../../../infra/local/synth.js';
import { readTemplate } from '../../../infra/local/template.js';

// The IAM decisions of the local runtime (infra/local/iam.ts) on the stack's synthesized
// template: what a DynamoDB request amounts to in IAM's actions (a transaction is its items'
// actions, an index a resource of its own), and whose credentials are whose.

// the synthesized template (waiting for the tests' synthesis if it is still being made)
const app = readTemplate(synthesizeIfChanged(ROOT).cdkOut);
const iam = new LocalIam(app);
const TABLE = app.tables[0]!.name;
const callerOf = (name: string) =>
  iam.callerOfKey(functionAccessKey([...app.functions.values()].find((f) => f.name === name)!));

const transaction = {
  TransactItems: [
    { Put: { TableName: TABLE, Item: {} } },
    { ConditionCheck: { TableName: TABLE, Key: {} } },
    { Update: { TableName: TABLE, Key: {} } },
  ],
};

describe('what a DynamoDB request asks of IAM', () => {
  it('a transaction asks for each of its items’ actions; a batch for its own; an index query for the index', () => {
    const arn = `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`;
    expect(dynamoDbAccess('DynamoDB_20120810.TransactWriteItems', transaction)).toEqual([
      { action: 'dynamodb:PutItem', resource: arn },
      { action: 'dynamodb:ConditionCheckItem', resource: arn },
      { action: 'dynamodb:UpdateItem', resource: arn },
    ]);
    expect(dynamoDbAccess('DynamoDB_20120810.BatchWriteItem', { RequestItems: { [TABLE]: [] } })).toEqual([
      { action: 'dynamodb:BatchWriteItem', resource: arn },
    ]);
    expect(dynamoDbAccess('DynamoDB_20120810.Query', { TableName: TABLE, IndexName: 'due' })).toEqual([
      { action: 'dynamodb:Query', resource: `${arn}/index/due` },
    ]);
  });

  it("decides each function's transaction by its role: the CRM API writes, the reports API reads only", async () => {
    const access = dynamoDbAccess('DynamoDB_20120810.TransactWriteItems', transaction);
    expect(await iam.authorize(callerOf('CrmApi'), access)).toBeUndefined();
    expect((await iam.authorize(callerOf('ReportsApi'), access))?.message).toMatch(
      /^User: arn:aws:sts::000000000000:assumed-role\/Handoff-ReportsApiRole\w+\/ReportsApiFunction\w+ is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/DataTable\w+ because no identity-based policy allows the dynamodb:PutItem action$/,
    );
    // no function batches writes: BatchWriteItem is granted to none
    const batch = dynamoDbAccess('DynamoDB_20120810.BatchWriteItem', { RequestItems: { [TABLE]: [] } });
    expect(await iam.authorize(callerOf('CrmApi'), batch)).toBeDefined();
  });

  it('gives each function credentials of its own; anything else signed is the administrator, the unsigned anonymous', () => {
    const crm = [...app.functions.values()].find((f) => f.name === 'CrmApi')!;
    const { accessKeyId, secretAccessKey } = iam.credentials(crm);
    expect(accessKeyId).toMatch(/^[A-Za-z0-9]+$/);
    expect(iam.secretOf(accessKeyId)).toBe(secretAccessKey);
    expect(iam.callerOfKey(accessKeyId)).toMatchObject({ kind: 'role', functionId: crm.logicalId });
    expect(iam.callerOfKey('local')).toEqual({ kind: 'admin' });
    expect(iam.callerOfKey(undefined)).toEqual({ kind: 'anonymous' });
    expect(new LocalIam(app, false).credentials(crm).accessKeyId).toBe('local');
  });
});
