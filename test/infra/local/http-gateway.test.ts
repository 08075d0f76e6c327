import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayHandler } from '../../../infra/local/http-gateway.js';
import type { InvocationResult } from '../../../infra/local/lambdas.js';
import type { Logger } from '../../../infra/local/log.js';
import type { LocalApp } from '../../../infra/local/template.js';

// The local HTTP API answers what API Gateway answers itself, before or instead of a function:
// its 401s, 404, 413, 429 (the stage's throttle) and 500 as `{"message": …}` JSON. The function
// behind it is a stand-in that records its calls (the gateway is what is tested here).

const quiet: Logger = { invocation: () => undefined, info: () => undefined, functionOutput: () => undefined };
const calls: unknown[] = [];
let outcome: InvocationResult = { ok: true, result: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
let server: Server;
let url: string;

beforeAll(async () => {
  const app = {
    routes: [
      { routeKey: 'GET /things', method: 'GET', path: '/things', functionId: 'Fn', jwt: true },
      { routeKey: 'POST /things', method: 'POST', path: '/things', functionId: 'Fn', jwt: false },
    ],
    functions: new Map([['Fn', { name: 'Fn' }]]),
    throttle: { rateLimit: 1, burstLimit: 3 },
  } as unknown as LocalApp;
  server = createServer(
    gatewayHandler({
      app,
      invoke: async (_fn, event) => {
        calls.push(event);
        return outcome;
      },
      verify: async (token) => {
        if (token !== 'good') throw new Error('"exp" claim timestamp check failed');
        return { sub: 'alice' };
      },
      log: quiet,
    }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.close();
});

const gatewayAnswer = async (res: Response) => ({
  status: res.status,
  type: res.headers.get('content-type'),
  requestId: Boolean(res.headers.get('apigw-requestid')),
  body: await res.json(),
});

describe("the local HTTP API's own answers", () => {
  it('401 without a token or with a refused one, saying why in WWW-Authenticate; the function never runs', async () => {
    const missing = await fetch(`${url}/things`);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await gatewayAnswer(missing)).toEqual({
      status: 401,
      type: 'application/json',
      requestId: true,
      body: { message: 'Unauthorized' },
    });
    const refused = await fetch(`${url}/things`, { headers: { authorization: 'Bearer expired' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer scope="" error="invalid_token" error_description="'exp' claim timestamp check failed"`,
    );
    expect(calls).toEqual([]);
  });

  it('404 for a route that does not exist, 413 past 10 MB, 500 when the function crashes', async () => {
    expect(await gatewayAnswer(await fetch(`${url}/nowhere`))).toMatchObject({
      status: 404,
      body: { message: 'Not Found' },
    });
    const huge = await fetch(`${url}/things`, { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(await gatewayAnswer(huge)).toMatchObject({
      status: 413,
      body: { message: 'Request Entity Too Large' },
    });
    outcome = { ok: false, error: { errorType: 'Error', errorMessage: 'boom' }, durationMs: 1 };
    await new Promise((r) => setTimeout(r, 1100)); // a token back in the bucket
    const crashed = await fetch(`${url}/things`, { method: 'POST', body: '{}' });
    expect(await gatewayAnswer(crashed)).toMatchObject({
      status: 500,
      body: { message: 'Internal Server Error' },
    });
    outcome = { ok: true, result: { statusCode: 200, body: '{"ok":true}' }, durationMs: 1 };
  });

  it("429 past the stage's burst, until its rate refills the bucket", async () => {
    await new Promise((r) => setTimeout(r, 3100)); // the bucket full again (1 a second, 3 at most)
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await fetch(`${url}/things`, { method: 'POST', body: '{}' })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const throttled = await fetch(`${url}/things`, { method: 'POST', body: '{}' });
    expect(await gatewayAnswer(throttled)).toMatchObject({
      status: 429,
      body: { message: 'Too Many Requests' },
    });
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fetch(`${url}/things`, { method: 'POST', body: '{}' })).status).toBe(200);
  }, 15_000);
});
