import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AssetHashType,
  type BundlingOptions,
  type CfnResource,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundleFunction } from './bundling.js';
import { DeadLetterQueue } from './dead-letter-queue.js';

// Every Handoff function is built the same way: Node.js 24 on arm64, bundled by the local
// esbuild (never Docker; bundling.ts says how) into minified ESM with source maps, its own log group, X-Ray
// tracing (unless the deployment turns it off) and a role that starts with nothing but writing
// its logs and traces. Each caller grants what it uses.
//
// A function that AWS invokes asynchronously (a rule's target, a schedule's, S3's) says so: it
// gets Lambda's asynchronous-invocation settings (retries of its own errors, the oldest event
// it still takes) and an on-failure destination, because a target's dead-letter queue only
// catches what could not be *delivered*; what the function itself refuses Lambda retries and
// then drops, unless a destination takes it.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What every function of one deployment shares. */
export interface FunctionDefaults {
  logRetentionDays: number;
  tracing: boolean;
}

/** Lambda's asynchronous-invocation settings (AWS::Lambda::EventInvokeConfig). */
export interface AsynchronousInvocation {
  /** Retries after a function error, 0 to 2 (Lambda's default: 2). */
  retryAttempts?: number;
  /** The oldest event Lambda still runs (Lambda's default: 6 hours). */
  maxEventAge?: Duration;
}

export interface BundledFunctionProps {
  /** The entry file, relative to the repository root (e.g. functions/crm/api.ts). */
  entry: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
  defaults: FunctionDefaults;
  /** Files (relative to the repository root) shipped beside the bundle, read at run time. */
  assets?: string[];
  /** Set for a function that AWS invokes asynchronously: its retries and on-failure destination. */
  asynchronous?: AsynchronousInvocation;
  /** Reserved concurrency: at most this many instances, and never starved by other functions. */
  reservedConcurrency?: number;
}

/**
 * Builds one function's asset with the local esbuild. Its fields are part of the asset's cache
 * key (CDK hashes the bundling options), so two functions never share a bundle.
 */
class LocalBundling implements ILocalBundling {
  constructor(
    readonly entry: string,
    readonly assets: string[],
  ) {}

  tryBundle(outputDir: string): boolean {
    bundleFunction(ROOT, this.entry, outputDir, this.assets);
    return true;
  }
}

export class BundledFunction extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Where Lambda sends the record of an asynchronous invocation that failed all its attempts. */
  readonly onFailure?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.defaults.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `runs ${id}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${this.logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    const logGroupId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(this.logGroup.node.defaultChild as CfnResource),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logGroupId}.Arn>:log-stream:*]`,
      reason:
        "Lambda names its log streams at run time; the grant is limited to this function's own log group.",
    });
    const bundling: BundlingOptions = {
      // never used: the local esbuild always builds (Docker is not needed, nor tried)
      image: DockerImage.fromRegistry('local-bundling-only'),
      local: new LocalBundling(props.entry, props.assets ?? []),
    };
    this.fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(ROOT, { assetHashType: AssetHashType.OUTPUT, bundling }),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.defaults.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      environment: {
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_TRACE_ENABLED: String(props.defaults.tracing),
        ...props.environment,
      },
    });
    if (props.defaults.tracing) {
      // Lambda's ACTIVE tracing adds xray:PutTraceSegments and PutTelemetryRecords, which take no resource
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray accepts trace segments only on the wildcard resource; the statement holds nothing but the two X-Ray write actions.',
      });
    }
    if (props.asynchronous) {
      this.onFailure = new DeadLetterQueue(this, 'OnFailure', `${id}'s asynchronous invocations`);
      this.fn.configureAsyncInvoke({
        retryAttempts: props.asynchronous.retryAttempts ?? 2,
        maxEventAge: props.asynchronous.maxEventAge ?? Duration.hours(6),
        onFailure: new SqsDestination(this.onFailure.queue),
      });
    }
  }
}
