import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './log.js';

// Every request to a local service goes through here, so that no request can end the runtime.
// A client that left mid-request (a browser leaving the page while its body was still arriving:
// reading the body rejects with "aborted") is owed no answer. Anything else a handler throws is
// the service's own failure: answered 500, as an AWS service answers its internal errors, and
// logged. Either, unhandled, was a rejection that stopped the whole runtime.

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** How a service answers its own failure (headers not yet sent): the API's is API Gateway's. */
export type FailureAnswer = (res: ServerResponse) => void;

const internalFailure =
  (service: string): FailureAnswer =>
  (res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `InternalFailure: ${service} failed on this request` }));
  };

export function dispatch(
  service: string,
  handler: RequestHandler,
  req: IncomingMessage,
  res: ServerResponse,
  log: Pick<Logger, 'info'>,
  answerFailure: FailureAnswer = internalFailure(service),
): void {
  Promise.resolve()
    .then(() => handler(req, res))
    .catch((error: unknown) => {
      // a request whose body was read to its end is destroyed too (autoDestroy): only one that
      // did not complete, or whose socket is gone, was left by its client
      const clientLeft = res.destroyed || req.socket.destroyed || (req.destroyed && !req.complete);
      if (clientLeft) return;
      log.info(`${service}: ${req.method} ${req.url} failed: ${(error as Error)?.stack ?? error}`);
      if (res.headersSent) res.end();
      else answerFailure(res);
    });
}
