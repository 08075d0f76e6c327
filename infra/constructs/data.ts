import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  INDEXES,
  type IndexName,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from '../../functions/lib/table/definition.js';

// The single table (docs/architecture.md, decision 1), built from the same definition module the tests and
// the local runtime use. Grants are explicit per function: the actions and indexes it uses,
// never "read/write data" (which would include Scan).

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem';

export class HandoffTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const key = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: key(PARTITION_KEY),
      sortKey: key(SORT_KEY),
      globalSecondaryIndexes: Object.entries(INDEXES).map(([indexName, keys]) => ({
        indexName,
        partitionKey: key(keys.partitionKey),
        sortKey: key(keys.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
  }

  /** Grants exactly these actions, on the table and on the named indexes only. */
  grant(role: iam.IGrantable, actions: TableAction[], indexes: IndexName[] = []): void {
    const onIndexes = actions.includes('Query')
      ? indexes.map((i) => `${this.table.tableArn}/index/${i}`)
      : [];
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
      }),
    );
    if (onIndexes.length > 0) {
      role.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: onIndexes }),
      );
    }
  }
}
