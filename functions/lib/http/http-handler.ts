import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod';
import type { Actor, CommandContext } from '../../../domain/shared/context.js';
import { BadRequest } from '../../../domain/shared/errors.js';
import { issuesOf, parse } from '../../../domain/shared/validation.js';
import { newEventId, newId } from '../ids.js';
import { logger } from '../logger.js';
import type { Page } from '../table/repositories/page.js';
import { actorFromEvent, authorize } from './auth.js';
import type { CursorCodec } from './cursor.js';
import type { IdempotentExecutor } from './idempotency.js';
import {
  internalError,
  payloadTooLarge,
  problemResponse,
  routeNotFound,
  toProblem,
  unsupportedMediaType,
} from './problem.js';
import type { Reply, RouteRequest, Routes } from './route.js';

// The HTTP edge of every API function: middy runs the Powertools logger, the JSON body
// parser and the RFC 9457 error mapper around a router that dispatches on the HTTP API's
// `routeKey`, checks roles, and validates path, query and body with each route's zod schemas.

export const MAX_BODY_BYTES = 256 * 1024;

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { jsonBody?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpApiDependencies {
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
  /** Makes the caller's profile from their token, once per user per function instance. */
  profiles?: { ensure(actor: Actor, now: string): Promise<void> };
}

/** Parses a JSON body (≤ 256 KB, `application/json` or `+json`) into `event.jsonBody`. */
export function jsonBody(limit = MAX_BODY_BYTES): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    name: 'jsonBody',
    before: ({ event }) => {
      if (event.body === undefined || event.body === null || event.body === '') return;
      // Bodies of reads and deletes mean nothing here; they are ignored, not refused.
      if (['GET', 'HEAD', 'DELETE'].includes(event.requestContext.http.method)) return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      if (raw.length > limit) throw payloadTooLarge(limit);
      const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!/^application\/([\w.+-]+\+)?json$/.test(type))
        throw unsupportedMediaType(type || 'no content type');
      try {
        event.jsonBody = JSON.parse(raw.toString('utf8'));
      } catch (error) {
        throw new BadRequest(`the body is not valid JSON: ${(error as Error).message}`);
      }
    },
  };
}

/** Maps any error to a problem document; unexpected ones are logged and become a bare 500. */
export function problemDetails(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    name: 'problemDetails',
    onError: (request) => {
      const mapped = toProblem(request.error);
      const requestId = request.event.requestContext?.requestId ?? 'unknown';
      if (mapped) {
        logger.info('request refused', { status: mapped.problem.status, detail: mapped.problem.detail });
        request.response = problemResponse(
          { ...mapped.problem, instance: request.event.rawPath },
          mapped.headers,
        );
      } else {
        logger.error('request failed', request.error as Error);
        request.response = problemResponse(internalError(requestId));
      }
    },
  };
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw new BadRequest(`If-Match must be an ETag this API issued, such as "3", not ${header}`);
  return Number(match[1]);
}

function parseOrBadRequest<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const errors = issuesOf(result.error);
    throw new BadRequest(
      `invalid ${where}: ${errors.map((e) => `${e.path || where}: ${e.message}`).join('; ')}`,
      {
        errors,
      },
    );
  }
  return result.data;
}

function toResult(reply: Reply): HttpResult {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.version !== undefined) headers.etag = `"${reply.version}"`;
  if (reply.body === undefined) return { statusCode: reply.status, headers };
  return {
    statusCode: reply.status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(reply.body),
  };
}

const CorrelationId = z.string().regex(/^[\w.:-]{1,128}$/);

export function httpApi(routes: Routes, dependencies: () => HttpApiDependencies) {
  const core = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const route = routes[event.routeKey];
    if (!route)
      throw routeNotFound(
        event.routeKey === '$default'
          ? `${event.requestContext.http.method} ${event.rawPath}`
          : event.routeKey,
      );

    const requestId = event.requestContext.requestId;
    const headerCorrelation = event.headers?.['x-correlation-id'];
    const correlationId =
      headerCorrelation && CorrelationId.safeParse(headerCorrelation).success ? headerCorrelation : requestId;
    logger.appendKeys({ correlation_id: correlationId, route: event.routeKey });

    if (route.roles === 'public') return toResult(await route.handle({} as never));

    const actor = actorFromEvent(event);
    authorize(actor, route.roles);
    const params = route.params
      ? parseOrBadRequest(route.params, event.pathParameters ?? {}, 'path')
      : undefined;
    const query = route.query
      ? parseOrBadRequest(route.query, event.queryStringParameters ?? {}, 'query')
      : undefined;
    const body = route.rawBody
      ? (event.jsonBody ?? null)
      : route.body
        ? parse(route.body, event.jsonBody ?? {})
        : undefined;
    const ifMatch = parseIfMatch(event.headers?.['if-match']);

    const ctx: CommandContext = {
      now: new Date(event.requestContext.timeEpoch).toISOString(),
      actor,
      correlationId,
      newId,
      newEventId,
    };
    const { cursors, idempotency, profiles } = dependencies();
    // The caller's profile is made after their first request that succeeds: a refused request
    // writes nothing, not even that.
    const remember = async (result: HttpResult) => {
      if ((result.statusCode ?? 200) < 400) await profiles?.ensure(actor, ctx.now);
      return result;
    };
    const listQuery = (query ?? {}) as { limit?: number; cursor?: string };
    const scopeOf = (scope?: string) => `${event.routeKey}|${JSON.stringify(params ?? {})}|${scope ?? ''}`;
    const request: RouteRequest<unknown, unknown, unknown> = {
      routeKey: event.routeKey,
      params,
      query,
      body,
      actor,
      ctx,
      ifMatch,
      page: async (scope) => ({
        limit: listQuery.limit ?? 25,
        startKey: listQuery.cursor ? await cursors.decode(scopeOf(scope), listQuery.cursor) : undefined,
      }),
      list: async <T>(page: Page<T>, scope?: string) => ({
        status: 200,
        body: {
          items: page.items,
          nextCursor: page.lastKey ? await cursors.encode(scopeOf(scope), page.lastKey) : null,
        },
      }),
    };

    const key = event.headers?.['idempotency-key'];
    if (event.requestContext.http.method === 'POST' && key !== undefined) {
      const { reply, replayed } = await idempotency.run(
        context,
        { user: actor.userId, route: event.routeKey, params: params ?? null, key },
        event.jsonBody ?? null,
        () => route.handle(request),
      );
      const result = toResult(reply);
      return remember(
        replayed ? { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } } : result,
      );
    }
    return remember(toResult(await route.handle(request)));
  };

  return middy<HttpEvent, HttpResult>(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemDetails())
    .use(jsonBody());
}
