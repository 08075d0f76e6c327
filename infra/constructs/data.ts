import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { grantOf } from '../../functions/lib/table/catalog.js';
import { INDEXES, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../../functions/lib/table/definition.js';
import type { TableFunction } from '../../functions/lib/table/pattern.js';

// The single table (docs/architecture.md, decision 1), built from the same definition module the
// tests and the local runtime use. Each function's grant is generated from the access patterns
// declared for it (functions/lib/table/entities/): exactly the actions and indexes they use,
// never "read/write data" (which would include Scan), and never written by hand.

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

  /**
   * Grants a function exactly what its declared access patterns use: their actions on the table,
   * and Query on the indexes they read (catalog.ts, `grantOf`).
   */
  grantPatterns(role: iam.IGrantable, fn: TableFunction): void {
    const { actions, indexes } = grantOf(fn);
    if (actions.length > 0) {
      role.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: actions.map((a) => `dynamodb:${a}`),
          resources: [this.table.tableArn],
        }),
      );
    }
    if (indexes.length > 0) {
      role.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((i) => `${this.table.tableArn}/index/${i}`),
        }),
      );
    }
  }
}
