import { type LookupAddress, lookup } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type AttemptResult, RESPONSE_BYTES_KEPT } from '../../../domain/webhooks/delivery.js';
import { retryAfterSeconds } from '../../../domain/webhooks/retry-schedule.js';
import { allowedAddresses, type UrlPolicy, urlShapeProblem } from '../../../domain/webhooks/url.js';

// One webhook attempt: a POST, answered or not within the timeout. The connection goes to an
// address checked as it is made (the lookup below refuses a host that now resolves to a private
// address: DNS rebinding cannot swap the address between a check and the connection), redirects
// are not followed (a 3xx is a failed attempt, retried like any other), and the first kilobyte
// of the answer is kept. Connections are kept alive between attempts of one function instance.

const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 10 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 10 }),
};

export interface PostOptions {
  timeoutMs: number;
  policy: UrlPolicy;
}

/** Thrown by the guarded lookup: the host resolves to an address that is not sent to. */
class RefusedAddress extends Error {
  readonly code = 'EREFUSEDADDRESS';
}

/** Resolves like the system does, then keeps the connection to the addresses the policy allows. */
function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const { allowed, problem } = allowedAddresses(hostname, addresses, policy);
      if (problem) return callback(new RefusedAddress(`not sent: ${problem}`), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

function describe(error: NodeJS.ErrnoException, timeoutMs: number): string {
  if (error.code === 'EREFUSEDADDRESS') return error.message;
  if (error.code === 'ETIMEDOUT') return `no answer within ${timeoutMs / 1000} s`;
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ECONNRESET' || error.message === 'socket hang up')
    return 'the connection was closed before an answer';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'its host does not resolve';
  return error.message || String(error.code);
}

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<AttemptResult> {
  const shape = urlShapeProblem(url, options.policy);
  if (shape)
    return Promise.resolve({
      statusCode: null,
      latencyMs: 0,
      response: null,
      error: `not sent: the URL ${shape}`,
    });
  const target = new URL(url);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      agent: agents[target.protocol as 'http:' | 'https:'],
      lookup: guardedLookup(options.policy),
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Handoff-Webhooks/1',
        ...headers,
      },
    });
    const timer = setTimeout(() => {
      const timeout = Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' });
      request.destroy(timeout);
      finish({
        statusCode: null,
        latencyMs: elapsed(),
        response: null,
        error: describe(timeout, options.timeoutMs),
      });
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        statusCode: null,
        latencyMs: elapsed(),
        response: null,
        error: describe(error, options.timeoutMs),
      }),
    );
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const text = Buffer.concat(chunks).subarray(0, RESPONSE_BYTES_KEPT).toString('utf8');
        const retryAfter =
          status === 429 || status === 503
            ? retryAfterSeconds(response.headers['retry-after'], new Date().toISOString())
            : undefined;
        finish({
          statusCode: status,
          latencyMs: elapsed(),
          response: text || null,
          error:
            status >= 200 && status < 300
              ? null
              : status >= 300 && status < 400
                ? `HTTP ${status}: redirects are not followed${response.headers.location ? ` (to ${response.headers.location})` : ''}`
                : `HTTP ${status}`,
          ...(retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter }),
        });
      };
      response.on('data', (chunk: Buffer) => {
        if (kept < RESPONSE_BYTES_KEPT) chunks.push(chunk);
        kept += chunk.length;
        // what is kept is read; the rest of a long answer is not waited for
        if (kept >= RESPONSE_BYTES_KEPT) {
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', done);
    });
    request.end(body);
  });
}
