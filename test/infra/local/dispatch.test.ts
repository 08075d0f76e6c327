import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch, type FailureAnswer } from '../../../infra/local/dispatch.js';
import { gatewayFailure } from '../../../infra/local/http-gateway.js';

// What a local service does when one of its requests goes wrong, on a real HTTP server: the
// runtime must answer (or drop) that request and go on serving the next.

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(handler: Parameters<typeof dispatch>[1], answerFailure?: FailureAnswer) {
  const logged: string[] = [];
  const server = createServer((req, res) =>
    dispatch('local s3', handler, req, res, { info: (m) => logged.push(m) }, answerFailure),
  );
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, logged };
}

async function readBody(req: AsyncIterable<unknown>) {
  let size = 0;
  for await (const chunk of req) size += (chunk as Buffer).length;
  return size;
}

describe('a local service request that fails', () => {
  it("is answered 500, naming the service, when the service's own code throws after reading the body; the next request is served", async () => {
    let calls = 0;
    const { url, logged } = await serve(async (req, res) => {
      await readBody(req);
      if (++calls === 1) throw new Error('the bucket index is unreadable');
      res.end('ok');
    });
    const failed = await fetch(url, { method: 'PUT', body: 'a file' });
    expect(failed.status).toBe(500);
    expect(((await failed.json()) as { message: string }).message).toBe(
      'InternalFailure: local s3 failed on this request',
    );
    expect(logged.join('\n')).toContain('the bucket index is unreadable');
    const next = await fetch(url, { method: 'PUT', body: 'a file' });
    expect(await next.text()).toBe('ok');
  });

  it("on the API is answered as API Gateway answers its own failure: 500, {message: 'Internal Server Error'}, a request id", async () => {
    const { url, logged } = await serve(async () => {
      throw new Error('the route table is unreadable');
    }, gatewayFailure);
    const failed = await fetch(url);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('apigw-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await failed.json()).toEqual({ message: 'Internal Server Error' });
    expect(logged.join('\n')).toContain('the route table is unreadable');
  });

  it('is dropped, unanswered and unlogged, when its client leaves in the middle of its body; the next request is served', async () => {
    let reads = 0;
    const { url, server, logged } = await serve(async (req, res) => {
      reads++;
      await readBody(req);
      res.end('ok');
    });
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('PUT /half HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\nonly part of it');
    await expect.poll(() => reads).toBe(1);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    expect(logged).toEqual([]);
    const next = await fetch(url, { method: 'PUT', body: 'a file' });
    expect(await next.text()).toBe('ok');
  });
});
