import type { AccessRequest, Caller, LocalIam } from './iam.js';
import { queueArn } from './sqs.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalApp } from './template.js';

// What AWS's own services do with the stack's roles, checked as they check it:
//   - at deploy time, Lambda refuses an on-failure destination its function's role may not send
//     to ("The provided execution role does not have permissions to call SendMessage on SQS",
//     InvalidParameterValueException), and an event source mapping whose role may not read the
//     stream ("Cannot access stream ... Please ensure the role can perform the GetRecords,
//     GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM"), or a
//     queue ("The provided execution role does not have permissions to call ReceiveMessage on
//     SQS"): so the local runtime refuses to start with such a template, naming the grant;
//   - when a receipt rule is created, SES refuses one whose S3 action it may not write to
//     ("Could not write to bucket", InvalidS3ConfigurationException: the bucket's policy must let
//     ses.amazonaws.com put under the prefix) or whose Lambda action it may not invoke ("Could not
//     invoke Lambda function", InvalidLambdaFunctionException: the function's resource policy
//     must allow ses.amazonaws.com);
//   - at run time, Scheduler invokes each target, and sends to its dead-letter queue, with the
//     schedule's role: those decisions are made here ahead (Scheduler's local work is not
//     asynchronous), and a refusal is Scheduler's to retry and dead-letter (scheduler.ts).

/** A grant AWS checks when the stack is deployed is missing: the deployment would fail. */
export class DeployRefused extends Error {
  constructor(resource: string, reason: string) {
    super(`the stack would not deploy: ${resource}: ${reason}`);
    this.name = 'DeployRefused';
  }
}

// ListStreams is also named by the message, but it is granted on '*' only (it names no stream), and
// the stack's grant (CDK's grantStreamRead) names the stream: what polling needs is these three
const STREAM_READ = ['DescribeStream', 'GetRecords', 'GetShardIterator'];
// what Lambda's documentation asks of a function's role to read a queue
const QUEUE_READ = ['ReceiveMessage', 'DeleteMessage', 'GetQueueAttributes'];

export async function checkServiceRoles(app: LocalApp, iam: LocalIam): Promise<void> {
  for (const fn of app.functions.values()) {
    const destination = app.asyncConfigs.get(fn.logicalId)?.onFailureQueue;
    if (!destination) continue;
    const denied = await iam.authorize(iam.roleCaller(fn.roleId, fn.logicalId), [
      { action: 'sqs:SendMessage', resource: queueArn(destination) },
    ]);
    if (denied)
      throw new DeployRefused(
        `${fn.name}'s on-failure destination (AWS::Lambda::EventInvokeConfig)`,
        `The provided execution role does not have permissions to call SendMessage on SQS (${denied.message})`,
      );
  }
  for (const mapping of app.streamMappings) {
    const fn = app.functions.get(mapping.functionId)!;
    const caller = iam.roleCaller(fn.roleId, fn.logicalId);
    const table = app.tables.find((t) => t.logicalId === mapping.tableId)!;
    const stream = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT}:table/${table.name}/stream/local`;
    const denied = await iam.authorize(
      caller,
      STREAM_READ.map((action) => ({ action: `dynamodb:${action}`, resource: stream })),
    );
    if (denied)
      throw new DeployRefused(
        `${fn.name}'s event source mapping ${mapping.logicalId}`,
        `Cannot access stream ${stream}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM (${denied.message})`,
      );
    if (mapping.onFailureQueue) {
      const refused = await iam.authorize(caller, [
        { action: 'sqs:SendMessage', resource: queueArn(mapping.onFailureQueue) },
      ]);
      if (refused)
        throw new DeployRefused(
          `${fn.name}'s event source mapping ${mapping.logicalId}`,
          `The provided execution role does not have permissions to call SendMessage on SQS (${refused.message})`,
        );
    }
  }
  for (const mapping of app.queueMappings) {
    const fn = app.functions.get(mapping.functionId)!;
    for (const action of QUEUE_READ) {
      const denied = await iam.authorize(iam.roleCaller(fn.roleId, fn.logicalId), [
        { action: `sqs:${action}`, resource: queueArn(mapping.queueId) },
      ]);
      if (denied)
        throw new DeployRefused(
          `${fn.name}'s event source mapping ${mapping.logicalId}`,
          `The provided execution role does not have permissions to call ${action} on SQS (${denied.message})`,
        );
    }
  }
  await checkReceiptRules(app, iam);
  await iam.prepare(app.schedules.flatMap((s) => scheduleAccess(iam, s)));
}

const SES = { kind: 'service', principal: 'ses.amazonaws.com' } as const;

async function checkReceiptRules(app: LocalApp, iam: LocalIam): Promise<void> {
  for (const rule of app.receiptRules) {
    for (const action of rule.actions) {
      if (action.kind === 's3') {
        const bucket = app.buckets.find((b) => b.name === action.bucket);
        const denied = await iam.authorize(SES, [
          {
            action: 's3:PutObject',
            resource: `arn:aws:s3:::${action.bucket}/${action.prefix}AMAZON_SES_SETUP_NOTIFICATION`,
            context: { 'aws:SourceAccount': LOCAL_ACCOUNT },
            resourcePolicy: bucket?.policy,
          },
        ]);
        if (denied || !bucket)
          throw new DeployRefused(
            `the receipt rule ${rule.name} (AWS::SES::ReceiptRule)`,
            `Could not write to bucket: ${action.bucket} (its policy must let ses.amazonaws.com put objects under ${action.prefix})`,
          );
        continue;
      }
      const allowed = app.permissions.some(
        (p) =>
          p.functionId === action.functionId &&
          p.principal === 'ses.amazonaws.com' &&
          (p.action === 'lambda:InvokeFunction' || p.action === 'lambda:*') &&
          (p.sourceAccount === undefined || p.sourceAccount === LOCAL_ACCOUNT),
      );
      if (!allowed)
        throw new DeployRefused(
          `the receipt rule ${rule.name} (AWS::SES::ReceiptRule)`,
          `Could not invoke Lambda function: ${action.functionArn} (its resource policy must allow ses.amazonaws.com)`,
        );
    }
  }
}

/** What a schedule's role is asked when the schedule fires: invoke the target, dead-letter the failures. */
export function scheduleAccess(
  iam: LocalIam,
  schedule: LocalApp['schedules'][number],
): [Caller, AccessRequest][] {
  const caller = iam.roleCaller(schedule.roleId, schedule.logicalId);
  return [
    [caller, { action: 'lambda:InvokeFunction', resource: schedule.targetArn }],
    ...(schedule.deadLetterQueue
      ? [
          [caller, { action: 'sqs:SendMessage', resource: queueArn(schedule.deadLetterQueue) }] as [
            Caller,
            AccessRequest,
          ],
        ]
      : []),
  ];
}
