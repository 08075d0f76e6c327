// What a message in one of the stack's dead-letter queues is, read from its shape: each AWS
// service writes its own.
//   Lambda, asynchronous invocation that failed every attempt (on-failure destination):
//     { version, timestamp, requestContext: { functionArn, condition, approximateInvokeCount },
//       requestPayload, responseContext, responsePayload }
//     https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
//   Lambda, a stream batch that failed every retry (event source mapping's on-failure):
//     { requestContext, responseContext, DDBStreamBatchInfo: { shardId, startSequenceNumber,
//       endSequenceNumber, batchSize, streamArn } }
//     https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
//   EventBridge, an event it could not deliver to a rule's target: the event itself, with the
//     message attributes RULE_ARN, TARGET_ARN, ERROR_CODE, ERROR_MESSAGE,
//     EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS
//     https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
//   EventBridge Scheduler, a schedule it could not invoke: the target's input, with the message
//     attributes SCHEDULE_ARN, TARGET_ARN, EXECUTION_ID, ERROR_CODE, ERROR_MESSAGE
//     https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
//   SQS, a message of a queue a function reads that was received maxReceiveCount times without
//     being handled (the queue's redrive policy): the message itself, as it was sent; which queue
//     it came from is known from the dead-letter queue it is in, not from its shape
//     https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html

export type MessageAttributes = Record<string, { StringValue?: string; DataType?: string } | undefined>;

export type DeadLetter =
  | {
      kind: 'lambda-async';
      functionArn: string;
      condition: string;
      attempts: number;
      payload: unknown;
      error: string;
    }
  | {
      kind: 'stream-batch';
      functionArn: string;
      condition: string;
      streamArn: string;
      shardId: string;
      startSequenceNumber: string;
      endSequenceNumber: string;
      batchSize: number;
      error: string;
    }
  | { kind: 'rule-target'; ruleArn: string; targetArn: string; event: unknown; error: string }
  | { kind: 'schedule-target'; scheduleArn: string; targetArn: string; input: unknown; error: string }
  | { kind: 'queue-message'; sourceQueue: string; body: string; error: string }
  | { kind: 'unknown'; error: string };

const attribute = (attributes: MessageAttributes | undefined, name: string) =>
  attributes?.[name]?.StringValue;

function parse(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * `sourceQueue`: the queue whose redrive policy sends its unhandled messages to the dead-letter
 * queue this message is in (none for the others).
 */
export function classifyDeadLetter(
  body: string,
  attributes?: MessageAttributes,
  sourceQueue?: string,
): DeadLetter {
  if (sourceQueue)
    return {
      kind: 'queue-message',
      sourceQueue,
      body,
      error: 'its function did not handle it in as many receives as the queue allows',
    };
  const ruleArn = attribute(attributes, 'RULE_ARN');
  const scheduleArn = attribute(attributes, 'SCHEDULE_ARN');
  const targetArn = attribute(attributes, 'TARGET_ARN') ?? '';
  const attributeError = [attribute(attributes, 'ERROR_CODE'), attribute(attributes, 'ERROR_MESSAGE')]
    .filter(Boolean)
    .join(': ');
  if (ruleArn) return { kind: 'rule-target', ruleArn, targetArn, event: parse(body), error: attributeError };
  if (scheduleArn)
    return { kind: 'schedule-target', scheduleArn, targetArn, input: parse(body), error: attributeError };
  const parsed = parse(body);
  if (typeof parsed !== 'object' || parsed === null) return { kind: 'unknown', error: 'not JSON' };
  const record = parsed as {
    requestContext?: { functionArn?: string; condition?: string; approximateInvokeCount?: number };
    responseContext?: { functionError?: string };
    responsePayload?: { errorType?: string; errorMessage?: string };
    requestPayload?: unknown;
    DDBStreamBatchInfo?: Record<string, unknown>;
  };
  const context = record.requestContext ?? {};
  const response = record.responsePayload ?? {};
  const error =
    [response.errorType, response.errorMessage].filter(Boolean).join(': ') ||
    record.responseContext?.functionError ||
    context.condition ||
    'unknown';
  if (record.DDBStreamBatchInfo) {
    const info = record.DDBStreamBatchInfo;
    return {
      kind: 'stream-batch',
      functionArn: String(context.functionArn ?? ''),
      condition: String(context.condition ?? ''),
      streamArn: String(info.streamArn),
      shardId: String(info.shardId),
      startSequenceNumber: String(info.startSequenceNumber),
      endSequenceNumber: String(info.endSequenceNumber),
      batchSize: Number(info.batchSize),
      error,
    };
  }
  if (context.functionArn && 'requestPayload' in record) {
    return {
      kind: 'lambda-async',
      functionArn: String(context.functionArn),
      condition: String(context.condition ?? ''),
      attempts: Number(context.approximateInvokeCount ?? 0),
      payload: record.requestPayload,
      error,
    };
  }
  return { kind: 'unknown', error: 'not a message any AWS service of this stack writes' };
}

/** One line for people: what failed, where, and why. */
export function describeDeadLetter(letter: DeadLetter): string {
  const name = (arn: string) =>
    arn.split(/[:/]/).filter(Boolean).at(-1) === '$LATEST'
      ? arn.split(':').at(-2)!
      : arn.split(/[:/]/).at(-1)!;
  switch (letter.kind) {
    case 'lambda-async':
      return `function ${name(letter.functionArn)} failed ${letter.attempts} time(s) (${letter.condition}): ${letter.error}`;
    case 'stream-batch':
      return `function ${name(letter.functionArn)} failed a stream batch of ${letter.batchSize} (${letter.condition}): ${letter.error}`;
    case 'rule-target':
      return `rule ${name(letter.ruleArn)} could not deliver to ${name(letter.targetArn)}: ${letter.error}`;
    case 'schedule-target':
      return `schedule ${name(letter.scheduleArn)} could not invoke ${name(letter.targetArn)}: ${letter.error}`;
    case 'queue-message':
      return `a message of ${name(letter.sourceQueue)}: ${letter.error}`;
    default:
      return letter.error;
  }
}
