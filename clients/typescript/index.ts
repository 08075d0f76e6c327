import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

// The typed Handoff client: openapi-fetch over the types openapi-typescript generates from
// docs/openapi.json (clients/typescript/schema.d.ts, `npm run docs`). Nothing here is written
// by hand but the bearer token and the base URL: every route, body, parameter and answer is the
// document's. The e2e tests use it as an integrator would.

export type { components, paths };
export type Schemas = components['schemas'];

export interface HandoffClientOptions {
  /** The API's base URL: http://localhost:3000 locally, the stack's ApiUrl output in AWS. */
  baseUrl: string;
  /** Called before each request: the current bearer token (refresh it here). */
  token?: () => string | Promise<string>;
  fetch?: typeof fetch;
}

/** Every media type: answers are JSON, refusals RFC 9457 problems or API Gateway's own messages. */
type AnyMediaType = `${string}/${string}`;
export type HandoffClient = Client<paths, AnyMediaType>;

/** The problem document of a refusal, when the function refused (not API Gateway). */
export function problemOf(error: unknown): Schemas['Problem'] | undefined {
  return error !== null && typeof error === 'object' && 'type' in error
    ? (error as Schemas['Problem'])
    : undefined;
}

export function createHandoffClient(options: HandoffClientOptions): HandoffClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.token) {
    const token = options.token;
    const bearer: Middleware = {
      async onRequest({ request }) {
        request.headers.set('authorization', `Bearer ${await token()}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}
