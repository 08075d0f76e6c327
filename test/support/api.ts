import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { HttpEvent } from '../../functions/lib/http/http-handler.js';
import { assertDocumented } from './openapi-contract.js';

// Builds API Gateway HTTP API (payload v2) events as the JWT authorizer passes them on, and
// invokes a handler with a Lambda-shaped context.

export interface User {
  sub: string;
  groups: string[];
  email?: string;
}

export const users = {
  admin: { sub: 'u-admin', groups: ['admin'], email: 'admin@example.com' },
  manager: { sub: 'u-manager', groups: ['manager'], email: 'mia@example.com' },
  alice: { sub: 'u-alice', groups: ['sales'], email: 'alice@example.com' },
  bob: { sub: 'u-bob', groups: ['sales'], email: 'bob@example.com' },
  dana: { sub: 'u-dana', groups: ['delivery'], email: 'dana@example.com' },
  nobody: { sub: 'u-nobody', groups: [], email: 'nobody@example.com' },
} satisfies Record<string, User>;

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  as?: User | null;
  at?: string | number;
  /** The address API Gateway saw the request come from (default 127.0.0.1). */
  sourceIp?: string;
}

let counter = 0;

export function apiEvent(routeKey: string, options: CallOptions = {}): HttpEvent {
  const [method, template] = routeKey.split(' ') as [string, string];
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => options.params?.[name] ?? `{${name}}`);
  const user = options.as === undefined ? users.admin : options.as;
  const time =
    options.at === undefined
      ? Date.now()
      : typeof options.at === 'number'
        ? options.at
        : Date.parse(options.at);
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const requestId = `req-${process.pid}-${++counter}`;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.params ? { pathParameters: options.params } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '127.0.0.1',
        userAgent: 'vitest',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(time).toISOString(),
      timeEpoch: time,
      authorizer: user
        ? {
            principalId: '',
            integrationLatency: 0,
            jwt: {
              claims: {
                sub: user.sub,
                ...(user.email ? { email: user.email } : {}),
                ...(user.groups.length ? { 'cognito:groups': `[${user.groups.join(' ')}]` } : {}),
              },
              scopes: [],
            },
          }
        : (undefined as never),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  } as HttpEvent;
}

export function lambdaContext(name = 'test-function'): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: `aws-${process.pid}-${++counter}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

type Handler = (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** An API client over a handler: `api('POST /deals', { body, as: users.alice })`. */
export function apiClient(handler: Handler) {
  return async <T = any>(routeKey: string, options: CallOptions = {}): Promise<ApiResponse<T>> => {
    const result = await handler(apiEvent(routeKey, options), lambdaContext());
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    const text = result.body ?? '';
    const answer = { status: result.statusCode ?? 200, headers, body: text ? JSON.parse(text) : undefined };
    const [method, path] = routeKey.split(' ') as [string, string];
    // every answer a test gets must be one the OpenAPI document describes
    assertDocumented({ method, path, ...answer });
    return answer;
  };
}
