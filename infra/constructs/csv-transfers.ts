import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BundledFunction, type FunctionDefaults } from './bundled-function.js';
import type { HandoffTable } from './data.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { HandoffEventBus } from './events.js';

// CSV imports and exports, and attachments: a private bucket for the files, the import function
// that S3's "Object Created" event starts when a file lands under uploads/, and the export
// function that ExportRequested starts. People reach the files only through presigned URLs the
// API issues.

export interface CsvTransfersProps {
  table: HandoffTable;
  bus: HandoffEventBus;
  corsOrigins: string[];
  defaults: FunctionDefaults;
  /** Reserved concurrency of the import (none when undefined). */
  importConcurrency?: number;
}

export class CsvTransfers extends Construct {
  readonly bucket: s3.Bucket;
  readonly importer: BundledFunction;
  readonly exporter: BundledFunction;

  constructor(scope: Construct, id: string, props: CsvTransfersProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Files', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // uploads and downloads are working copies (the records are in the table): 7 days; an
      // attachment is kept while its record is (deleting it deletes the file), moved to the
      // infrequent-access class after 30 days, as attachments are mostly read around their upload
      lifecycleRules: [
        {
          prefix: 'uploads/',
          expiration: Duration.days(7),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        { prefix: 'downloads/', expiration: Duration.days(7) },
        {
          prefix: 'attachments/',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          ],
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.corsOrigins.length
        ? {
            cors: [
              {
                allowedOrigins: props.corsOrigins,
                allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET],
                allowedHeaders: ['content-type'],
                maxAge: 3600,
              },
            ],
          }
        : {}),
    });
    // S3 → EventBridge, set on the bucket itself (CDK's eventBridgeEnabled adds a custom
    // resource function for it, which the template does not need)
    (this.bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride(
      'NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled',
      true,
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Imports and exports are working copies that expire in 7 days, attachments are kept with their records; all are reached only through presigned URLs that the API issues to authenticated callers and logs.',
    });

    const environment = { TABLE_NAME: props.table.table.tableName, FILES_BUCKET: this.bucket.bucketName };
    this.importer = new BundledFunction(this, 'CsvImport', {
      entry: 'functions/transfer/csv-import.ts',
      description: 'Imports an uploaded CSV file of contacts, companies or deals, row by row',
      environment,
      timeout: Duration.minutes(15),
      memorySize: 1769,
      defaults: props.defaults,
      // a failed import is resumed by the retry (its rows are found, not written twice)
      asynchronous: { retryAttempts: 2 },
      // a big import runs 8 writers; bounded, it cannot take the concurrency the API needs
      ...(props.importConcurrency === undefined ? {} : { reservedConcurrency: props.importConcurrency }),
    });
    this.grantObjects(this.importer.role, ['s3:GetObject'], 'uploads/*');
    this.grantObjects(this.importer.role, ['s3:PutObject'], 'downloads/imports/*');

    const uploadDeadLetters = new DeadLetterQueue(this, 'UploadArrivedDeadLetters', 'the upload rule');
    new events.Rule(this, 'UploadArrived', {
      description: "An import's file landed in the bucket: the import runs",
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.bucket.bucketName] },
          object: { key: events.Match.prefix('uploads/') },
        },
      },
      targets: [
        new targets.LambdaFunction(this.importer.fn, {
          retryAttempts: 8,
          maxEventAge: Duration.hours(2),
          deadLetterQueue: uploadDeadLetters.queue,
        }),
      ],
    });

    this.exporter = new BundledFunction(this, 'CsvExport', {
      entry: 'functions/transfer/csv-export.ts',
      description: 'Writes the CSV file of an export',
      environment,
      timeout: Duration.minutes(5),
      defaults: props.defaults,
      asynchronous: { retryAttempts: 2 },
    });
    this.grantObjects(this.exporter.role, ['s3:PutObject'], 'downloads/exports/*');
    props.bus.addLambdaRule('ExportRequested', {
      description: 'ExportRequested to the export function',
      events: ['ExportRequested'],
      target: this.exporter.fn,
    });
  }

  /** Object actions under one prefix of the bucket, with cdk-nag's wildcard finding explained. */
  grantObjects(role: iam.IRole, actions: string[], prefix: string): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects(prefix)] }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.bucketLogicalId()}.Arn>/${prefix}]`,
      reason: `Imports and exports name their files by job id at run time; the grant covers only ${prefix} of this bucket.`,
    });
  }

  private bucketLogicalId(): string {
    const stack = this.bucket.stack;
    return stack.resolve(stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket));
  }
}
