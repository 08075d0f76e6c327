import type { CustomFieldEntity } from '../../../domain/custom-fields/custom-fields.js';
import type { PortalViewer } from '../../../domain/portal/customer-actions.js';
import type { Actor, CommandContext, Role } from '../../../domain/shared/context.js';
import type * as z from '../../../domain/shared/zod.js';
import type { Page, PageRequest } from '../table/page.js';
import type { Write } from '../table/store.js';

// A route is data: its roles, its zod schemas for path, query and body, the answers it can give,
// and its handler. The HTTP handler validates against the schemas before the handler runs, and
// openapi.ts turns the same objects into the OpenAPI document, so the contract cannot drift.

export interface Reply {
  status: number;
  body?: unknown;
  /** The entity's version, sent as a strong ETag. */
  version?: number;
  headers?: Record<string, string>;
}

export interface RouteRequest<P, Q, B> {
  routeKey: string;
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  ctx: CommandContext;
  /** The portal session's contact and project (routes whose roles are 'portal-session'). */
  portal?: PortalViewer;
  /** The address API Gateway saw the request come from (requestContext.http.sourceIp). */
  sourceIp: string;
  /** The version named by `If-Match`, when the caller sent one. */
  ifMatch: number | undefined;
  /**
   * Checks the command's transaction must include: the custom field definitions the body was
   * validated against are still current (empty for routes without custom fields).
   */
  preconditions: Write[];
  /** `limit` and the decoded `cursor` of a list request; `scope` binds the cursor to this list. */
  page(scope?: string): Promise<PageRequest>;
  /** A list reply: the page's items and an opaque cursor for the next page, or null. */
  list<T>(page: Page<T>, scope?: string): Promise<Reply>;
}

export interface Route<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  summary: string;
  description?: string;
  tag: string;
  /**
   * Roles allowed to call, behind the JWT authorizer; 'public' routes need no token (health,
   * OpenAPI). The customer portal's routes are not behind the authorizer (docs/architecture.md,
   * decision 18): 'portal-link' takes a link token in its body (the exchange for a session),
   * 'portal-session' a portal session's bearer token, which the function checks before the route
   * runs: the route reads and acts on that session's project only.
   */
  roles: readonly Role[] | 'public' | PortalAccess;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * The handler validates the body itself (the schema still documents it): for commands whose
   * refusal must also name facts only a read can check, all in one answer.
   */
  rawBody?: boolean;
  /** The body carries `customFields` of this entity, validated against the current definitions. */
  customFields?: { entity: CustomFieldEntity; mode: 'create' | 'patch' };
  /**
   * The route changes a versioned record and honours `If-Match` (a stale one is a 412). Any
   * other route refuses an `If-Match` header (400): it would be a condition nobody checks.
   */
  conditional?: true;
  /**
   * Refusals this route gives beside the ones every route of its kind gives (openapi.ts says
   * which): e.g. 410 for a merged record, 404 for a body that names a record that does not exist.
   */
  problems?: Partial<Record<ProblemStatus, string>>;
  /** The success answer, for the OpenAPI document. `list` wraps the schema in a page. */
  response: {
    status: 200 | 201 | 202 | 204;
    schema?: z.ZodType;
    list?: boolean;
    description?: string;
    /** The answer's ETag, when it is not the answered record's own `version` (see openapi.ts). */
    etag?: string;
  };
  handle(request: RouteRequest<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply>;
}

export type Routes = Record<string, Route>;

export type PortalAccess = 'portal-link' | 'portal-session';

/** A route of the customer portal: not behind the JWT authorizer, for a customer, never staff. */
export const isPortalRoute = (route: Pick<Route, 'roles'>): boolean =>
  route.roles === 'portal-link' || route.roles === 'portal-session';

/** A route for the team: behind the JWT authorizer, with the roles it names. */
export const isStaffRoute = (route: Pick<Route, 'roles'>): route is { roles: readonly Role[] } =>
  Array.isArray(route.roles);

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 412 | 413 | 415 | 422 | 429;

/** Identity function that lets TypeScript infer a route's request types from its schemas. */
export function route<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
>(definition: Route<P, Q, B>): Route {
  return definition as unknown as Route;
}

export const ok = (body: unknown, version?: number): Reply => ({
  status: 200,
  body,
  ...(version === undefined ? {} : { version }),
});
export const created = (body: unknown, version?: number): Reply => ({
  status: 201,
  body,
  ...(version === undefined ? {} : { version }),
});
export const noContent = (): Reply => ({ status: 204 });
