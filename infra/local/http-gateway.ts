import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gatewayClaims } from './jwt.js';
import type { InvocationResult } from './lambdas.js';
import type { Logger } from './log.js';
import type { LocalApp, LocalRoute } from './template.js';

// The HTTP API, locally: the template's routes, its JWT authorizer (checked against the local
// issuer), its stage throttling, and its Lambda proxy integration with payload format 2.0.
// What API Gateway answers itself, before or instead of a function, is answered here as API
// Gateway does (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-troubleshooting-jwt.html,
// .../http-api-troubleshooting-lambda.html): {"message": "..."} as application/json, with an
// apigw-requestid header; a refused token is a 401 with a WWW-Authenticate header saying why.

const MAX_BODY = 10 * 1024 * 1024;

interface CompiledRoute extends LocalRoute {
  regex: RegExp;
  params: string[];
  specificity: number;
}

function compile(route: LocalRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${source}$`), params, specificity: route.path.split('{').length };
}

/** An answer of API Gateway's own: `{"message": "..."}`, never a problem document. */
function gatewayAnswer(
  res: ServerResponse,
  status: number,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', 'apigw-requestid': requestId, ...headers });
  res.end(JSON.stringify({ message }));
}

/** API Gateway's own answer when the request fails in the gateway or its function: no more than this. */
export function gatewayFailure(res: ServerResponse): void {
  gatewayAnswer(res, 500, 'Internal Server Error', randomUUID());
}

/**
 * The stage's throttle: a token bucket of `burstLimit` tokens refilled at `rateLimit` a second,
 * as API Gateway applies a route's rate and burst.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXT_TYPES = /^(application\/([\w.+-]+\+)?json|text\/|application\/(x-www-form-urlencoded|xml))/;

export interface GatewayOptions {
  app: LocalApp;
  /** The integration's synchronous invocation of a function (Lambda's Invoke API). */
  invoke: (functionId: string, event: unknown) => Promise<InvocationResult>;
  verify: (token: string) => Promise<Record<string, unknown>>;
  log: Logger;
}

/** The API's request handler, served through the runtime's dispatch (a client that leaves mid-request: dispatch.ts). */
export function gatewayHandler({
  app,
  invoke,
  verify,
  log,
}: GatewayOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const routes = app.routes.map(compile).sort((a, b) => a.specificity - b.specificity);
  const bucket = app.throttle ? new TokenBucket(app.throttle.rateLimit, app.throttle.burstLimit) : undefined;
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const origin = req.headers.origin;
    const cors = app.cors;
    const allowed = origin && cors && (cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin));
    if (method === 'OPTIONS' && cors) {
      res.writeHead(allowed ? 204 : 403, {
        ...(allowed
          ? {
              'access-control-allow-origin': origin,
              'access-control-allow-methods': cors.allowMethods.join(','),
              'access-control-allow-headers': cors.allowHeaders.join(','),
              'access-control-max-age': '3600',
            }
          : {}),
      });
      res.end();
      return;
    }
    let route: CompiledRoute | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of routes) {
      if (r.method !== method && r.method !== 'ANY') continue;
      match = r.regex.exec(url.pathname);
      if (match) {
        route = r;
        break;
      }
    }
    if (!route || !match) {
      gatewayAnswer(res, 404, 'Not Found', requestId);
      return;
    }
    if (bucket && !bucket.take()) {
      gatewayAnswer(res, 429, 'Too Many Requests', requestId);
      return;
    }

    let claims: Record<string, string> | undefined;
    if (route.jwt) {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
      if (!token) {
        gatewayAnswer(res, 401, 'Unauthorized', requestId, { 'www-authenticate': 'Bearer' });
        return;
      }
      try {
        claims = gatewayClaims(await verify(token));
      } catch (error) {
        const reason = (error as Error).message.replace(/"/g, "'");
        gatewayAnswer(res, 401, 'Unauthorized', requestId, {
          'www-authenticate': `Bearer scope="" error="invalid_token" error_description="${reason}"`,
        });
        return;
      }
    }

    const body = await readBody(req);
    if (body === 'too-large') {
      gatewayAnswer(res, 413, 'Request Entity Too Large', requestId);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    }
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const pathParameters = Object.fromEntries(
      route.params.map((p, i) => [p, decodeURIComponent(match![i + 1]!)]),
    );
    const isText = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
    const now = Date.now();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(route.params.length ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: !isText,
    };

    const outcome = await invoke(route.functionId, event);
    let status = 500;
    if (!outcome.ok) {
      // a function error or timeout: API Gateway says no more than this
      gatewayAnswer(res, 500, 'Internal Server Error', requestId);
    } else {
      const result = outcome.result as any;
      const structured = result !== null && typeof result === 'object' && 'statusCode' in result;
      status = structured ? Number(result.statusCode) : 200;
      const outHeaders: Record<string, string | string[]> = structured
        ? { ...result.headers }
        : { 'content-type': 'application/json' };
      if (structured && result.cookies?.length) outHeaders['set-cookie'] = result.cookies;
      if (allowed) {
        outHeaders['access-control-allow-origin'] = origin!;
        if (cors?.exposeHeaders.length)
          outHeaders['access-control-expose-headers'] = cors.exposeHeaders.join(',');
      }
      outHeaders['apigw-requestid'] = requestId;
      res.writeHead(status, outHeaders);
      const payload = structured ? result.body : JSON.stringify(result);
      res.end(
        payload === undefined
          ? undefined
          : structured && result.isBase64Encoded
            ? Buffer.from(payload, 'base64')
            : payload,
      );
    }
    log.invocation({
      function: app.functions.get(route.functionId)?.name ?? route.functionId,
      trigger: 'http',
      what: `${method} ${url.pathname}${url.search}`,
      outcome: String(status),
      failed: status >= 500,
      result: outcome,
    });
  };
}
