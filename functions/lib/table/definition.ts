// The single table's shape, written once. The CDK data construct builds the deployed table
// from it, and the tests and the local runtime create theirs from it, so they cannot drift.

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Global secondary indexes, overloaded by entity type (The DynamoDB Book's style). What each
 * one holds for each entity is written in its module (entities/) and in docs/data-model.md.
 */
export const INDEXES = {
  /** by type: every item of one kind, sorted (companies by name, deals by status and time). */
  gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** by owner: a user's deals, activities, projects and tasks. */
  gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** by parent: a pipeline's deals by stage; a deal's timeline (activities and changes). */
  gsi3: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  /** by company: a company's contacts, deals, projects and timeline. */
  gsi4: { partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
  /** by contact: a contact's timeline and deals. */
  gsi5: { partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
  /** sparse: deals by lead source; CRM tasks by assignee. */
  gsi6: { partitionKey: 'gsi6pk', sortKey: 'gsi6sk' },
  /** sparse, by due time: only what can become overdue carries these keys. */
  due: { partitionKey: 'duepk', sortKey: 'duesk' },
} as const;

export type IndexName = keyof typeof INDEXES;
export type KeyAttribute = (typeof INDEXES)[IndexName][keyof (typeof INDEXES)[IndexName]] | 'pk' | 'sk';

/** Every key attribute is a string. */
export const KEY_ATTRIBUTES: string[] = [
  PARTITION_KEY,
  SORT_KEY,
  ...Object.values(INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
];

/** The CreateTable request for DynamoDB Local (tests, local runtime). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: PARTITION_KEY, KeyType: 'HASH' as const },
      { AttributeName: SORT_KEY, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: Object.entries(INDEXES).map(([name, keys]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: keys.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: keys.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
  };
}
