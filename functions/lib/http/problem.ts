import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, ValidationFailed } from '../../../domain/shared/errors.js';

// RFC 9457 problem details. Each domain error class maps to one status and one `type`; the
// types are documented in docs/api.md. Anything unexpected is a 500 whose body says nothing
// about the internals (the log has the stack).

/** Errors that belong to HTTP itself, not to the domain. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'unauthorized', 'Unauthorized', detail, { 'www-authenticate': 'Bearer' });
/** A source sent too many wrong portal tokens: refused until its window ends. */
export const tooManyAttempts = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(429, 'too-many-attempts', 'Too Many Requests', detail, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
export const routeNotFound = (routeKey: string) =>
  new HttpProblem(404, 'route-not-found', 'Not Found', `no route matches ${routeKey}`);
export const payloadTooLarge = (limit: number) =>
  new HttpProblem(413, 'payload-too-large', 'Payload Too Large', `the body is larger than ${limit} bytes`);
export const unsupportedMediaType = (type: string) =>
  new HttpProblem(
    415,
    'unsupported-media-type',
    'Unsupported Media Type',
    `send application/json, not ${type}`,
  );

const DOMAIN: Record<string, { status: number; title: string }> = {
  'validation-failed': { status: 422, title: 'Validation failed' },
  'handoff-incomplete': { status: 422, title: 'Handoff incomplete' },
  'bad-request': { status: 400, title: 'Bad request' },
  'not-found': { status: 404, title: 'Not found' },
  gone: { status: 410, title: 'Gone' },
  conflict: { status: 409, title: 'Conflict' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  forbidden: { status: 403, title: 'Forbidden' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const problemType = (slug: string) => `/problems/${slug}`;

export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } | undefined {
  if (error instanceof HttpProblem) {
    return {
      problem: {
        type: problemType(error.slug),
        title: error.title,
        status: error.status,
        detail: error.message,
      },
      headers: error.headers,
    };
  }
  if (error instanceof DomainError) {
    const mapped = DOMAIN[error.kind] ?? { status: 400, title: 'Bad request' };
    return {
      problem: {
        ...error.extensions,
        type: problemType(error.kind),
        title: mapped.title,
        status: mapped.status,
        detail: error.message,
        ...(error instanceof ValidationFailed ? { errors: error.issues } : {}),
      },
      headers: {},
    };
  }
  return undefined;
}

export function problemResponse(
  problem: Problem,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify(problem),
  };
}

export const internalError = (requestId: string): Problem => ({
  type: problemType('internal'),
  title: 'Internal Server Error',
  status: 500,
  detail: `something failed on our side; quote request ${requestId} when reporting it`,
});
