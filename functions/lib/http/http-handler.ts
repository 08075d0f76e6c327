import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { PortalViewer } from '../../../domain/portal/customer-actions.js';
import { type Actor, type CommandContext, contactActor } from '../../../domain/shared/context.js';
import { BadRequest, CustomFieldsChanged, ValidationFailed } from '../../../domain/shared/errors.js';
import { newEventId, newId } from '../../../domain/shared/ids.js';
import { issuesOf, parse } from '../../../domain/shared/validation.js';
import * as z from '../../../domain/shared/zod.js';
import { logger } from '../logger.js';
import { annotateCorrelation, traceHandler } from '../observability.js';
import type { CustomFieldRepository } from '../table/entities/custom-fields.js';
import type { ProfileRepository } from '../table/entities/profile.js';
import type { Page } from '../table/page.js';
import type { Write } from '../table/store.js';
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
import { isStaffRoute, type Reply, type Route, type RouteRequest, type Routes } from './route.js';

// The HTTP edge of every API function: middy runs the Powertools logger, the JSON body
// parser and the RFC 9457 error mapper around a router that dispatches on the HTTP API's
// `routeKey`, checks roles, and validates path, query and body with each route's zod schemas.

export const MAX_BODY_BYTES = 256 * 1024;

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer & { jsonBody?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpApiDependencies {
  cursors: CursorCodec;
  idempotency: IdempotentExecutor;
  /**
   * Makes the caller's profile from their token, once per user per function instance: the read
   * (`lookUp`) runs beside the route, the write (`ensure`) only after it succeeded.
   */
  profiles?: Pick<ProfileRepository, 'lookUp' | 'ensure'>;
  /** Checks `customFields` against the definitions (routes that declare `customFields`). */
  customFields?: Pick<CustomFieldRepository, 'check'>;
  /**
   * Checks a portal session's bearer token (the portal's function; docs/architecture.md,
   * decision 18): its contact and project, or a 401 (a 429 for a source sending wrong tokens).
   */
  portalSessions?: {
    authenticate(token: string | undefined, sourceIp: string, now: string): Promise<PortalViewer>;
  };
}

/** The bearer token of an Authorization header, if it has one. */
function bearerToken(event: HttpEvent): string | undefined {
  const header = event.headers?.authorization;
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/**
 * Who calls: a signed-in person (the JWT authorizer's claims, their roles checked), or a
 * customer through the portal, named `contact:<id>` and holding no role: a portal route acts on
 * its session's project only, and no staff route accepts a portal token (the authorizer refuses it).
 */
async function callerOf(
  route: Route,
  event: HttpEvent,
  deps: HttpApiDependencies,
  now: string,
): Promise<{ actor: Actor; portal?: PortalViewer }> {
  if (route.roles === 'portal-link') return { actor: { userId: 'portal:link-holder', roles: [] } };
  if (route.roles === 'portal-session') {
    if (!deps.portalSessions)
      throw new Error(`${event.routeKey} needs portal sessions, and this function has none`);
    const portal = await deps.portalSessions.authenticate(
      bearerToken(event),
      event.requestContext.http.sourceIp,
      now,
    );
    return { actor: { userId: contactActor(portal.contactId), roles: [] }, portal };
  }
  const actor = actorFromEvent(event);
  authorize(actor, route.roles as Exclude<Route['roles'], string>);
  return { actor };
}

/**
 * The body of a route: its schema, and for routes with custom fields, the values checked
 * against the current definitions. Every issue, built-in or custom, comes back in one 422.
 */
async function parseBody(
  route: Route,
  input: unknown,
  customFields: HttpApiDependencies['customFields'],
): Promise<{ body: unknown; preconditions: Write[] }> {
  if (route.rawBody) return { body: input ?? null, preconditions: [] };
  if (!route.body) return { body: undefined, preconditions: [] };
  if (!route.customFields) return { body: parse(route.body, input ?? {}), preconditions: [] };
  // a function built without the definitions would skip the check: refuse to run instead
  if (!customFields) throw new Error('this route takes custom fields and its function has no definitions');
  const object = input !== null && typeof input === 'object' && !Array.isArray(input);
  const raw = object ? (input as Record<string, unknown>).customFields : undefined;
  const result = route.body.safeParse(input ?? {});
  const check = await customFields.check(route.customFields.entity, raw, route.customFields.mode);
  // the definitions say what is wrong with a value better than the shape any value may take
  const shapeIssues = result.success ? [] : issuesOf(result.error);
  const builtIn = shapeIssues.filter((i) => i.path !== 'customFields' && !i.path.startsWith('customFields.'));
  const issues = [...builtIn, ...check.issues];
  if (!result.success || issues.length > 0) throw new ValidationFailed(issues.length ? issues : shapeIssues);
  const body = { ...(result.data as Record<string, unknown>) };
  if (check.values !== undefined) body.customFields = check.values;
  const checked = route.customFields.mode === 'create' || raw !== undefined;
  return { body, preconditions: checked ? [check.unchanged] : [] };
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
      const [mediaType = '', ...parameters] = (event.headers?.['content-type'] ?? '').split(';');
      const type = mediaType.trim().toLowerCase();
      if (!/^application\/([\w.+-]+\+)?json$/.test(type))
        throw unsupportedMediaType(type || 'no content type');
      // JSON is UTF-8 (RFC 8259); a body declared in another charset would be read wrongly
      const charset = parameters
        .map((p) => p.trim().toLowerCase())
        .find((p) => p.startsWith('charset='))
        ?.slice('charset='.length)
        .replace(/^"|"$/g, '');
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
        throw unsupportedMediaType(`application/json in ${charset}: send it in UTF-8`);
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

/**
 * The version `If-Match` names: `*` (any), or one ETag exactly as this API issues it, `"3"`.
 * Anything else is a 400 naming the header, on every route, before anything is read: a bare `3`
 * is not an entity-tag, and a weak `W/"3"` never matches under the strong comparison RFC 9110
 * requires for If-Match, so taking either as version 3 would make a condition the caller did
 * not write (and a delete go through).
 */
function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = /^"(0|[1-9]\d{0,14})"$/.exec(value);
  if (!match) {
    const message = value.startsWith('W/')
      ? 'a weak ETag never matches (If-Match compares strongly): send the ETag as issued, such as "3"'
      : 'must be an ETag as this API issues it, such as "3" (quotes included), or *';
    throw new BadRequest(`If-Match: ${message}; got ${header}`, {
      errors: [{ path: 'If-Match', message }],
    });
  }
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

/**
 * Runs the route. When an admin changed the custom field definitions between the check of the
 * body and its write (the transaction's precondition failed, nothing was written), the body is
 * checked again against the new definitions and the route runs once more.
 */
async function handleChecked(
  route: Route,
  request: RouteRequest<unknown, unknown, unknown>,
  event: HttpEvent,
  deps: HttpApiDependencies,
): Promise<Reply> {
  try {
    return await route.handle(request);
  } catch (error) {
    if (!(error instanceof CustomFieldsChanged)) throw error;
    const again = await parseBody(route, event.jsonBody, deps.customFields);
    return route.handle({ ...request, body: again.body, preconditions: again.preconditions });
  }
}

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
    annotateCorrelation(correlationId);

    // a query parameter no route declares is a mistake worth hearing about (docs/api.md)
    const given = Object.keys(event.queryStringParameters ?? {});
    if (!route.query && given.length > 0) {
      throw new BadRequest(`this route takes no query parameters: ${given.join(', ')}`, {
        errors: given.map((path) => ({ path, message: 'is not a parameter of this route' })),
      });
    }
    if (route.roles === 'public') return toResult(await route.handle({} as never));

    const deps = dependencies();
    const now = new Date(event.requestContext.timeEpoch).toISOString();
    const { actor, portal } = await callerOf(route, event, deps, now);
    const { cursors, idempotency, profiles } = deps;
    // The caller's profile is made after their first request that succeeds (a refused request
    // writes nothing, not even that); whether it is there is read beside the request's own work.
    const staff = isStaffRoute(route);
    const profileLookup = staff ? profiles?.lookUp(actor) : undefined;
    const params = route.params
      ? parseOrBadRequest(route.params, event.pathParameters ?? {}, 'path')
      : undefined;
    const query = route.query
      ? parseOrBadRequest(route.query, event.queryStringParameters ?? {}, 'query')
      : undefined;
    const { body, preconditions } = await parseBody(route, event.jsonBody, deps.customFields);
    const ifMatch = parseIfMatch(event.headers?.['if-match']);
    if (ifMatch !== undefined && !route.conditional) {
      throw new BadRequest(`${event.routeKey} changes no versioned record: send it without If-Match`, {
        errors: [{ path: 'If-Match', message: 'is not a header of this route' }],
      });
    }

    const ctx: CommandContext = {
      now,
      actor,
      correlationId,
      newId,
      newEventId,
    };
    const remember = async (result: HttpResult) => {
      if (staff && (result.statusCode ?? 200) < 400) await profiles?.ensure(actor, ctx.now, profileLookup);
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
      ...(portal ? { portal } : {}),
      sourceIp: event.requestContext.http.sourceIp,
      ifMatch,
      preconditions,
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
    // the portal's routes take no Idempotency-Key: a customer's decision is made once anyway
    if (staff && event.requestContext.http.method === 'POST' && key !== undefined) {
      const { reply, replayed } = await idempotency.run(
        context,
        { user: actor.userId, route: event.routeKey, params: params ?? null, key },
        event.jsonBody ?? null,
        () => handleChecked(route, request, event, deps),
      );
      const result = toResult(reply);
      return remember(
        replayed ? { ...result, headers: { ...result.headers, 'idempotent-replayed': 'true' } } : result,
      );
    }
    return remember(toResult(await handleChecked(route, request, event, deps)));
  };

  return middy<HttpEvent, HttpResult>(core)
    .use(traceHandler())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(problemDetails())
    .use(jsonBody());
}
