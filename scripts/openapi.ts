import * as z from 'zod';
import { pageOf } from '../functions/lib/http/params.js';
import { isPortalRoute, type ProblemStatus, type Route, type Routes } from '../functions/lib/http/route.js';

// The OpenAPI 3.1 document, generated from the routes' zod schemas (docs/architecture.md, decision 9).
// scripts/generate-docs.ts writes it to docs/openapi.json; a test fails when that file is stale;
// `GET /openapi.json` serves the file. Every answer a route can give is in it: its success with
// the headers it really sends, the refusals of its kind (below) and its own (`problems`), and
// the answers API Gateway gives itself. The contract tests check every response the suite gets
// against it (test/support/openapi-contract.ts).
//
// zod-openapi is imported without its type declarations: they widen zod's GlobalMeta for every
// schema in the program, which made `npm run typecheck` do 5.4 million type instantiations
// instead of 2.2 million (14.3 s → 11.6 s, `tsc --extendedDiagnostics`, 2026-12-07). Its one
// function is typed below by what this module gives it; the document it makes is checked by
// test/contract/openapi.test.ts (swagger-parser, Redocly's rules) and served as it is written.

type Operation = Record<string, unknown>;
type OpenApiDocument = { openapi: string; paths: Record<string, Record<string, Operation>> } & Record<
  string,
  unknown
>;
const ZOD_OPENAPI: string = 'zod-openapi';
const { createDocument } = (await import(ZOD_OPENAPI)) as {
  createDocument(document: OpenApiDocument): OpenApiDocument;
};

const IssueList = z.array(z.object({ path: z.string(), message: z.string() }).strict());

export const ProblemDocument = z
  .strictObject({
    type: z.string().describe('a URI reference naming the kind of problem, e.g. /problems/validation-failed'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().describe('the request path'),
    errors: IssueList.optional().describe('every field or parameter at fault, with why'),
    // the members a problem of a given type adds (RFC 9457 extensions), each named here
    entity: z.string().optional().describe('404: the kind of record that does not exist'),
    id: z.string().optional().describe('404: its id'),
    key: z.string().optional().describe('409: the custom field that exists already'),
    mergedInto: z.string().optional().describe('410: the record this one was merged into; use that one'),
    currentVersion: z.number().int().optional().describe('412: the version the record is at now'),
    existingContactId: z.string().optional().describe('409: the contact that already has this email'),
    email: z.string().optional().describe('409: that email'),
    contacts: z.number().int().optional().describe('409: the contacts a company to delete still has'),
    openDeals: z.number().int().optional().describe('409: the open deals a record to delete still has'),
    closedDeals: z
      .number()
      .int()
      .optional()
      .describe('409: the won and lost deals a record to delete still has'),
    projects: z.number().int().optional().describe('409: the projects delivered to a company to delete'),
    dealStatus: z.string().optional().describe('409: the status of a deal that is not open'),
    projectStatus: z.string().optional().describe('409: the status a project cannot leave that way'),
    waitingFor: z.array(z.string()).optional().describe('409: the predecessors a task waits for'),
    stageId: z.string().optional().describe('409: the stage the deal is in already'),
    unticked: z.array(z.string()).optional().describe('409: kickoff checklist items not ticked yet'),
    openTasks: z.array(z.string()).optional().describe('409: the tasks not done yet'),
    quoteStatus: z
      .string()
      .optional()
      .describe(
        '409: the status of a quote that cannot be sent or accepted (`expired`: its validUntil passed)',
      ),
    supersededBy: z.string().optional().describe('409: the newer version that superseded the quote'),
    validUntil: z.string().optional().describe('409: the last day an expired quote could be accepted'),
    quoteId: z.string().optional().describe("409: the deal's accepted quote, which fixes its lines"),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, with the extensions Handoff adds' });

export const GatewayError = z.strictObject({ message: z.string() }).meta({
  id: 'GatewayError',
  description:
    'An answer of API Gateway\'s own, given before or instead of the function: { "message": "Unauthorized" }',
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemDocument } },
});

type Header = { description: string; schema: { type: 'string' } };
const header = (description: string): Header => ({ description, schema: { type: 'string' } });

/** An answer API Gateway gives itself (docs/api.md, "Answers of API Gateway's own"). */
const gateway = (description: string, headers?: Record<string, Header>) => ({
  description,
  content: { 'application/json': { schema: GatewayError } },
  ...(headers ? { headers } : {}),
});

/** Whether the route's success carries an ETag: its answer is one record with a version. */
export function sendsETag(route: Route): boolean {
  const schema = route.response.schema;
  if (route.response.etag) return true;
  if (!schema || route.response.list) return false;
  type Json = { $ref?: string; $defs?: Record<string, Json>; required?: string[] };
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Json;
  // a schema with an id comes back as a reference to its definition
  const object = json.$ref ? json.$defs?.[json.$ref.split('/').at(-1)!] : json;
  return object?.required?.includes('version') === true;
}

/** The refusals a route of this kind gives, with why; its own `problems` add to them. */
function refusals(route: Route, method: string): Partial<Record<ProblemStatus, string>> {
  return {
    400: 'malformed: bad JSON, a path, query or header parameter that is wrong or unknown, a cursor this API did not issue',
    // a portal route has no roles: its session names the one project it may read (its problems say more)
    ...(isPortalRoute(route) ? {} : { 403: 'your role may not do this' }),
    ...(route.params ? { 404: 'no such record' } : {}),
    ...(method !== 'GET' ? { 409: 'conflicts with the current state (or lost a race four times)' } : {}),
    ...(route.conditional
      ? { 412: '`If-Match` names a version that is not current (`currentVersion`)' }
      : {}),
    ...(route.body ? { 415: 'the body is not `application/json` in UTF-8' } : {}),
    ...(route.body || method === 'POST'
      ? { 422: 'the body breaks a rule; `errors` names every field at fault' }
      : {}),
    ...route.problems,
  };
}

function responsesOf(route: Route, method: string) {
  const isPublic = route.roles === 'public';
  const successHeaders: Record<string, Header> = {
    ...(sendsETag(route)
      ? { ETag: header(route.response.etag ?? "the record's version; send it back as If-Match") }
      : {}),
    ...(method === 'POST' && !isPublic && !isPortalRoute(route)
      ? { 'Idempotent-Replayed': header('`true` when this answers a repeat of an Idempotency-Key') }
      : {}),
  };
  const success = {
    description: route.response.description ?? (route.response.schema ? 'OK' : 'No content'),
    ...(route.response.schema
      ? {
          content: {
            'application/json': {
              schema: route.response.list ? pageOf(route.response.schema) : route.response.schema,
            },
          },
        }
      : {}),
    ...(Object.keys(successHeaders).length ? { headers: successHeaders } : {}),
  };
  // a public route checks no token, role or body, but refuses a query parameter as every route does
  const own = isPublic
    ? { 400: 'a query parameter: this route takes none (`errors` names it)' }
    : refusals(route, method);
  return {
    [String(route.response.status)]: success,
    ...Object.fromEntries(Object.entries(own).map(([status, description]) => [status, problem(description)])),
    ...(route.body
      ? {
          '413': {
            description: 'the body is over 256 KB (the function) or over 10 MB (API Gateway)',
            content: {
              'application/problem+json': { schema: ProblemDocument },
              'application/json': { schema: GatewayError },
            },
          },
        }
      : {}),
    ...(isPublic || isPortalRoute(route)
      ? {}
      : {
          '401': {
            description:
              "no valid bearer token: API Gateway's JWT authorizer refused it (its own answer); a token without a subject is the function's problem",
            content: {
              'application/json': { schema: GatewayError },
              'application/problem+json': { schema: ProblemDocument },
            },
            headers: {
              'WWW-Authenticate': header(
                '`Bearer`, with `error="invalid_token"` and why when a token was sent',
              ),
            },
          },
        }),
    '429': isPortalRoute(route)
      ? {
          description: `${route.problems?.[429] ?? ''}; or over the stage's throttle (API Gateway's own answer)`,
          content: {
            'application/problem+json': { schema: ProblemDocument },
            'application/json': { schema: GatewayError },
          },
          headers: { 'Retry-After': header('seconds to wait (the portal function’s answer)') },
        }
      : gateway("over the stage's throttle (API Gateway)"),
    '500': {
      description:
        "the function failed: its problem document (quote its request id), or API Gateway's own when it crashed or timed out",
      content: {
        'application/problem+json': { schema: ProblemDocument },
        'application/json': { schema: GatewayError },
      },
    },
  };
}

function headerParameters(route: Route, method: string) {
  if (route.roles === 'public') return undefined;
  return z.object({
    ...(route.conditional
      ? {
          'If-Match': z
            .string()
            .regex(/^(\*|"(0|[1-9]\d{0,14})")$/)
            .optional()
            .describe(
              'the ETag you read, as it came (`"3"`, quotes included), or `*`: the change is made only if the record is still at that version (else 412); any other form is a 400',
            ),
        }
      : {}),
    // the portal's routes take no Idempotency-Key (http-handler.ts)
    ...(method === 'POST' && !isPortalRoute(route)
      ? {
          'Idempotency-Key': z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe(
              'a key of yours: a repeat within 24 hours answers the first answer, without doing it again',
            ),
        }
      : {}),
    'X-Correlation-Id': z
      .string()
      .regex(/^[\w.:-]{1,128}$/)
      .optional()
      .describe(
        'carried into the logs, the traces and the events this request causes (default: the request id)',
      ),
  });
}

/**
 * Moves `default` into the description: openapi-typescript (and other generators) make a field
 * with a default required, which is right for an answer (where it is always present, and
 * required anyway) and wrong for a request (where it may be left out).
 */
function defaultsAsText(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(defaultsAsText);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(
    ([k, v]) => [k, defaultsAsText(v)] as const,
  );
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (
    'default' in object &&
    ('type' in object || 'anyOf' in object || '$ref' in object || 'enum' in object)
  ) {
    const { default: value, ...rest } = object;
    const note = `Default: ${JSON.stringify(value)}.`;
    return { ...rest, description: rest.description ? `${String(rest.description)} ${note}` : note };
  }
  return object;
}

export function openApiDocument(routes: Routes, version: string) {
  const paths: OpenApiDocument['paths'] = {};
  for (const [routeKey, route] of Object.entries(routes)) {
    const [method, path] = routeKey.split(' ') as [string, string];
    const headers = headerParameters(route, method);
    const operation: Operation = {
      operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, ''),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.roles === 'public' || route.roles === 'portal-link'
        ? { security: [] }
        : route.roles === 'portal-session'
          ? { security: [{ portalSession: [] }] }
          : {}),
      ...(route.roles === 'public' ? {} : { 'x-roles': route.roles }),
      requestParams: {
        ...(route.params ? { path: route.params as never } : {}),
        ...(route.query ? { query: route.query as never } : {}),
        ...(headers ? { header: headers as never } : {}),
      },
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses: responsesOf(route, method) as never,
    };
    const lower = method.toLowerCase() as 'get';
    paths[path] = { ...paths[path], [lower]: operation };
  }
  const document = createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Handoff API',
      version,
      description:
        "CRM and project management joined by an enforced sales-to-delivery handoff. Every route but /health, /openapi.json and the customer portal's /portal/* needs a bearer JWT; roles come from the token's groups. The portal's routes take a portal session's bearer token instead (POST /portal/sessions). Refusals are RFC 9457 problem documents; API Gateway's own answers (401, 404 of an unknown route, 413 past 10 MB, 429, a crashed function's 500) are `{\"message\": \"…\"}`.",
      // The repository grants no licence (package.json is private, no LICENSE file): all rights
      // reserved, npm's UNLICENSED. OpenAPI 3.1 wants an SPDX expression (or a URL) beside the
      // name, and SPDX spells a licence of one's own LicenseRef-<name>.
      license: {
        name: 'Proprietary: all rights reserved (UNLICENSED)',
        identifier: 'LicenseRef-Proprietary',
      },
    },
    servers: [
      { url: 'http://localhost:3000', description: 'the local runtime (`npm start`)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'a deployment: the stack output ApiUrl',
        variables: { apiId: { default: 'your-api-id' }, region: { default: 'us-east-1' } },
      },
    ],
    components: {
      securitySchemes: {
        jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        portalSession: {
          type: 'http',
          scheme: 'bearer',
          description:
            "a customer portal session's access token (POST /portal/sessions): the /portal/* routes only, which are not behind the JWT authorizer",
        },
      },
    },
    security: [{ jwt: [] }],
    paths,
  });
  return defaultsAsText(document) as typeof document;
}
