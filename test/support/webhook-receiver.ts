import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

// A real webhook receiver on the loopback interface, as an integrator runs one: it records every
// request (headers, body, when) and answers as the test tells it: 2xx, any status with headers,
// slowly, never (until the sender gives up), or by closing the connection. `verify` checks a
// request's signature with the Standard Webhooks reference library, as a receiver would.

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | { hang: true }
  | { close: true };

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  answered: Answer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** How the next requests are answered (the last answer given repeats). */
  answer(...answers: Answer[]): void;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const received: Received[] = [];
  let answers: Answer[] = [{ status: 204 }];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = answers.length > 1 ? answers.shift()! : answers[0]!;
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        answered,
      });
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      if ('close' in answered) return req.socket.destroy();
      if ('hang' in answered) return;
      setTimeout(() => {
        res.writeHead(answered.status, { 'content-type': 'text/plain', ...answered.headers });
        res.end(answered.body ?? '');
      }, answered.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answer: (...next) => {
      answers = next;
    },
    waitFor: (count, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        if (received.length >= count) return resolve(received);
        const timer = setTimeout(
          () =>
            reject(
              new Error(`the receiver got ${received.length} request(s), not ${count}, in ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      }),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The request's payload if its signature verifies with this secret (as a receiver checks it), else throws. */
export function verify(request: Received, secret: string): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}
