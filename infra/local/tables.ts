import {
  CreateTableCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { LocalTable } from './template.js';

// The template's tables in DynamoDB Local: created as the template defines them (keys, indexes,
// stream, TTL); a kept table that lacks an index the template now has gets it added.

export async function ensureTable(client: DynamoDBClient, table: LocalTable): Promise<void> {
  const p = table.properties;
  const indexes = (p.GlobalSecondaryIndexes ?? []).map((i: any) => ({
    IndexName: i.IndexName,
    KeySchema: i.KeySchema,
    Projection: i.Projection ?? { ProjectionType: 'ALL' },
  }));
  let existing: DescribeTableCommandOutput | undefined;
  try {
    existing = await client.send(new DescribeTableCommand({ TableName: table.name }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!existing) {
    await client.send(
      new CreateTableCommand({
        TableName: table.name,
        AttributeDefinitions: p.AttributeDefinitions,
        KeySchema: p.KeySchema,
        BillingMode: 'PAY_PER_REQUEST',
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
        ...(p.StreamSpecification
          ? {
              StreamSpecification: {
                StreamEnabled: true,
                StreamViewType: p.StreamSpecification.StreamViewType,
              },
            }
          : {}),
      }),
    );
  } else {
    const have = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((i: any) => i.IndexName));
    for (const index of indexes.filter((i: any) => !have.has(i.IndexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: table.name,
          AttributeDefinitions: p.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
    }
  }
  if (p.TimeToLiveSpecification?.Enabled && !existing) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { AttributeName: p.TimeToLiveSpecification.AttributeName, Enabled: true },
      }),
    );
  }
}
