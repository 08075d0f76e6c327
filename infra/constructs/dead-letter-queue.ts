import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/**
 * Where an asynchronous delivery ends when its retries are spent: kept 14 days, encrypted, TLS
 * only. Observability alarms on the depth of every one of them; RedriveDeadLetters reads them.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: sqs.Queue;

  constructor(
    scope: Construct,
    id: string,
    /** What fails into it, for the alarm's description (e.g. "the DealClosedWon rule"). */
    readonly purpose: string,
  ) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of ${purpose}; an alarm watches its depth.`,
    });
  }
}
