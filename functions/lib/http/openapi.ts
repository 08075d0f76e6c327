import * as z from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { pageOf } from './params.js';
import type { Routes } from './route.js';

// The OpenAPI 3.1 document, generated from the routes' zod schemas (DESIGN decision 9).
// scripts/openapi.ts writes it to docs/openapi.json; a test fails when that file is stale;
// `GET /openapi.json` serves the file.

export const ProblemDocument = z
  .object({
    type: z.string().describe('a URI reference naming the kind of problem, e.g. /problems/validation-failed'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export const GatewayError = z.object({ message: z.string() }).meta({
  id: 'GatewayError',
  description:
    'An answer of API Gateway\'s own, given before or instead of the function: { "message": "Unauthorized" }',
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemDocument } },
});

/** An answer API Gateway gives itself (docs/api.md, "Answers of API Gateway's own"). */
const gateway = (
  description: string,
  headers?: Record<string, { description: string; schema: { type: 'string' } }>,
) => ({
  description,
  content: { 'application/json': { schema: GatewayError } },
  ...(headers ? { headers } : {}),
});

export function openApiDocument(routes: Routes, version: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const [routeKey, route] of Object.entries(routes)) {
    const [method, path] = routeKey.split(' ') as [string, string];
    const isPublic = route.roles === 'public';
    const success = route.response.schema
      ? {
          description: route.response.description ?? 'OK',
          content: {
            'application/json': {
              schema: route.response.list ? pageOf(route.response.schema) : route.response.schema,
            },
          },
          ...(['POST', 'PATCH', 'PUT'].includes(method) || (method === 'GET' && !route.response.list)
            ? {
                headers: {
                  ETag: {
                    description: "the entity's version; send it back as If-Match",
                    schema: { type: 'string' as const },
                  },
                },
              }
            : {}),
        }
      : { description: route.response.description ?? 'No content' };
    const operation: ZodOpenApiOperationObject = {
      operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, ''),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(isPublic ? { security: [] } : { 'x-roles': route.roles }),
      requestParams: {
        ...(route.params ? { path: route.params as never } : {}),
        ...(route.query ? { query: route.query as never } : {}),
      },
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      responses: {
        [String(route.response.status)]: success,
        ...(isPublic
          ? {}
          : {
              '400': problem('malformed request: bad JSON, path, query, cursor or If-Match'),
              '401': gateway("no valid bearer token: API Gateway's JWT authorizer refused it", {
                'WWW-Authenticate': {
                  description: 'Bearer, with error="invalid_token" and why when a token was sent',
                  schema: { type: 'string' },
                },
              }),
              '403': problem('your role may not do this'),
              ...(route.params ? { '404': problem('no such record') } : {}),
              ...(method !== 'GET' ? { '409': problem('conflicts with the current state') } : {}),
              ...(route.params && method !== 'GET'
                ? { '412': problem('If-Match names a version that is not current') }
                : {}),
              ...(route.body
                ? {
                    '413': {
                      description: 'body over 256 KB (the function) or over 10 MB (API Gateway)',
                      content: {
                        'application/problem+json': { schema: ProblemDocument },
                        'application/json': { schema: GatewayError },
                      },
                    },
                    '415': problem('body is not JSON'),
                  }
                : {}),
              ...(route.body || method === 'POST'
                ? { '422': problem('the body breaks a rule; `errors` names each field') }
                : {}),
            }),
        '429': gateway("over the stage's throttle (API Gateway)"),
        '500': {
          description:
            "the function failed: its problem document, or API Gateway's own when it crashed or timed out",
          content: {
            'application/problem+json': { schema: ProblemDocument },
            'application/json': { schema: GatewayError },
          },
        },
      },
    };
    const lower = method.toLowerCase() as 'get';
    paths[path] = { ...paths[path], [lower]: operation };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Handoff API',
      version,
      description:
        "CRM and project management joined by an enforced sales-to-delivery handoff. Every route but /health and /openapi.json needs a bearer JWT; roles come from the token's groups. Errors are RFC 9457 problem documents.",
    },
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ jwt: [] }],
    paths,
  });
}
