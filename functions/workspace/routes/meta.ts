import * as z from '../../../domain/shared/zod.js';
import { type Routes, route } from '../../lib/http/route.js';

// The two open routes: a health check for load balancers and uptime checks, and the OpenAPI
// document (generated into docs/openapi.json and shipped beside the function's bundle). The
// document is read on its first request, not at cold start.

export function metaRoutes(document: () => unknown): Routes {
  let cached: unknown;
  return {
    'GET /health': route({
      tag: 'Meta',
      summary: 'Liveness: answers 200 when the function runs',
      roles: 'public',
      response: { status: 200, schema: z.object(() => ({ status: z.literal('ok') })) },
      handle: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    'GET /openapi.json': route({
      tag: 'Meta',
      summary: 'This API as an OpenAPI 3.1 document',
      roles: 'public',
      response: { status: 200, schema: z.object(() => ({ openapi: z.string() })).catchall(z.unknown()) },
      handle: async () => {
        cached ??= document();
        return { status: 200, body: cached };
      },
    }),
  };
}
