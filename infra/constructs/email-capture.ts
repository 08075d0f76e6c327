import { Duration, Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { INBOUND_EMAIL_PREFIX } from '../../functions/lib/files/file-keys.js';
import { BundledFunction, type FunctionDefaults } from './bundled-function.js';

// Email capture (-c inboundEmailDomain=crm.example.com): SES receives the domain's mail (its MX
// record points at SES), scans it for spam and viruses, stores each message under
// inbound-email/ of the files bucket (encrypted at rest by the bucket's default encryption, TLS
// required to reach it), then invokes the capture function asynchronously with the receipt. SES
// may write only that prefix (the bucket policy, for this account's SES) and invoke only that
// function (its resource policy); the function may read that prefix and write attachments/.
// The rule set is made, not activated: an account has one active rule set per region, and
// activating ours would switch off one the company may already use (docs/operations.md).

export interface EmailCaptureProps {
  domain: string;
  bucket: s3.Bucket;
  tableName: string;
  defaults: FunctionDefaults;
  /** Grants an object action under a prefix of the bucket (CsvTransfers.grantObjects). */
  grantObjects(role: BundledFunction['role'], actions: string[], prefix: string): void;
}

export class EmailCapture extends Construct {
  readonly function: BundledFunction;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly rule: ses.ReceiptRule;

  constructor(scope: Construct, id: string, props: EmailCaptureProps) {
    super(scope, id);
    this.function = new BundledFunction(this, 'EmailCapture', {
      entry: 'functions/email/capture.ts',
      description: `Logs the mail SES receives for ${props.domain} on the timelines of its contacts, companies and deals`,
      environment: {
        TABLE_NAME: props.tableName,
        FILES_BUCKET: props.bucket.bucketName,
        INBOUND_EMAIL_DOMAIN: props.domain,
      },
      // a 40 MB message, parsed whole, with its attachments
      memorySize: 1769,
      timeout: Duration.seconds(60),
      defaults: props.defaults,
      // SES invokes it asynchronously: Lambda retries a failure twice, then the on-failure queue
      asynchronous: { retryAttempts: 2 },
    });
    props.grantObjects(this.function.role, ['s3:GetObject'], `${INBOUND_EMAIL_PREFIX}*`);
    props.grantObjects(this.function.role, ['s3:PutObject'], 'attachments/*');

    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {
      receiptRuleSetName: `${Stack.of(this).stackName}-email-capture`,
    });
    this.rule = this.ruleSet.addRule('Capture', {
      recipients: [props.domain],
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        new actions.S3({ bucket: props.bucket, objectKeyPrefix: INBOUND_EMAIL_PREFIX }),
        new actions.Lambda({
          function: this.function.fn,
          invocationType: actions.LambdaInvocationType.EVENT,
        }),
      ],
    });
    // the raw messages are the source of what was captured, kept long enough to look into a
    // refusal or capture one again after a fix (the table keeps what was read from them)
    props.bucket.addLifecycleRule({ prefix: INBOUND_EMAIL_PREFIX, expiration: Duration.days(30) });
  }
}
