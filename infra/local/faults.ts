import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalLambda } from './lambda-service.js';
import type { LambdaFunctionPool } from './lambdas.js';
import type { LocalApp } from './template.js';

// Faults injected in the AWS services a function uses, for tests of the failure paths (and for
// anyone who wants to see them locally): while a fault is on, one function's SDK reaches an
// endpoint that answers every request with a 500, as a service having a bad day does (the SDK
// retries, then the function fails), or, for `invoke`, Lambda refuses to invoke the function at
// all (its callers' retry policies apply). The function's code is the code that is deployed;
// only the service behind it fails. Turned on and off through the control API.

export const FAULT_SERVICES = ['dynamodb', 'eventbridge', 'ses', 's3', 'sqs', 'lambda'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];
export type Fault = FaultService | 'invoke';

const ENDPOINT_VARIABLE: Record<FaultService, string> = {
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  eventbridge: 'AWS_ENDPOINT_URL_EVENTBRIDGE',
  ses: 'AWS_ENDPOINT_URL_SESV2',
  s3: 'AWS_ENDPOINT_URL_S3',
  sqs: 'AWS_ENDPOINT_URL_SQS',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
};

interface Attached {
  app: LocalApp;
  pools: Map<string, LambdaFunctionPool>;
  lambda: LocalLambda;
  endpoints: Record<FaultService, string>;
  faultEndpoint: string;
}

export class LocalFaults {
  private deps?: Attached;
  /** function name → the faults on */
  private readonly on = new Map<string, Set<Fault>>();

  attach(deps: Attached): void {
    this.deps = deps;
  }

  list(): Record<string, Fault[]> {
    return Object.fromEntries([...this.on].filter(([, f]) => f.size > 0).map(([fn, f]) => [fn, [...f]]));
  }

  set(functionName: string, fault: Fault, enabled: boolean): void {
    const deps = this.deps!;
    const fn = [...deps.app.functions.values()].find(
      (f) => f.name === functionName || f.logicalId === functionName,
    );
    if (!fn) throw new Error(`no function ${functionName}`);
    if (fault !== 'invoke' && !FAULT_SERVICES.includes(fault))
      throw new Error(`no fault ${fault}: one of ${[...FAULT_SERVICES, 'invoke'].join(', ')}`);
    const faults = this.on.get(fn.name) ?? new Set<Fault>();
    if (enabled) faults.add(fault);
    else faults.delete(fault);
    this.on.set(fn.name, faults);
    if (faults.has('invoke')) deps.lambda.unavailable.add(fn.name);
    else deps.lambda.unavailable.delete(fn.name);
    const overrides = Object.fromEntries(
      [...faults]
        .filter((f): f is FaultService => f !== 'invoke')
        .map((f) => [ENDPOINT_VARIABLE[f], deps.faultEndpoint]),
    );
    deps.pools.get(fn.logicalId)!.reconfigure(overrides);
  }

  /** The failing service: a 500 for every request, in the shape AWS's JSON services answer. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for await (const _ of req) {
      // drain the request
    }
    res.writeHead(500, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'InternalFailure',
    });
    res.end(
      JSON.stringify({
        __type: 'InternalFailure',
        message: 'the service failed (a fault injected by the local runtime)',
      }),
    );
  };
}
