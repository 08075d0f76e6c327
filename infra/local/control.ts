import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalEventBus } from './event-bus.js';
import type { Fault, LocalFaults } from './faults.js';
import { InvokeRefused, type LocalLambda } from './lambda-service.js';
import type { LocalScheduler } from './scheduler.js';
import type { LocalSqs } from './sqs.js';
import type { LocalApp } from './template.js';
import type { LocalXrayDaemon } from './xray.js';

// The local runtime's own small API, on a port of its own (--port + 10; .local/runtime.json),
// for the CLIs and the tests: fire a schedule as of an instant, read what crossed the bus, read
// the dead-letter queues, invoke a function (as `aws lambda invoke` does), stop and restart the
// API's server, turn a fault in an AWS service on or off, read the traces. It is not part of the
// deployed system.

async function json<T>(req: IncomingMessage): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}') as T;
}

export function controlHandler(deps: {
  app: LocalApp;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  sqs: LocalSqs;
  lambda: LocalLambda;
  faults: LocalFaults;
  xray: LocalXrayDaemon;
  apiUrl: string;
  /** Stops the API's server (connections refused, as when the API is down) and starts it again. */
  apiSwitch: { stop(): Promise<void>; start(): Promise<void> };
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /status') {
        return send(200, {
          apiUrl: deps.apiUrl,
          functions: [...deps.app.functions.values()].map((f) => f.name),
          schedules: deps.scheduler.names(),
          rules: deps.app.rules.map((r) => ({ rule: r.logicalId, pattern: r.pattern })),
          pendingAsyncEvents: deps.lambda.pending(),
          faults: deps.faults.list(),
        });
      }
      if (route === 'GET /events') {
        const since = Number(url.searchParams.get('since') ?? 0);
        const type = url.searchParams.get('type');
        const events = deps.bus.events.slice(since).filter((e) => !type || e['detail-type'] === type);
        return send(200, { events, next: deps.bus.events.length });
      }
      if (route === 'GET /dead-letters') return send(200, { messages: deps.sqs.deadLetters() });
      if (route === 'GET /traces') return send(200, { segments: deps.xray.segments });
      if (route === 'POST /fire') {
        const { schedule, at } = await json<{ schedule?: string; at?: string }>(req);
        if (!schedule) return send(400, { error: 'name the schedule to fire' });
        const when = at ? new Date(at) : new Date();
        if (Number.isNaN(when.getTime())) return send(400, { error: `${at} is not an instant` });
        return send(200, await deps.scheduler.fire(schedule, when));
      }
      if (route === 'POST /invoke') {
        const { function: name, payload } = await json<{ function?: string; payload?: unknown }>(req);
        const fn = deps.lambda.resolve(String(name ?? ''));
        if (!fn) {
          const known = [...deps.app.functions.values()].map((f) => f.name).sort();
          return send(404, { error: `no function ${name}; the template has ${known.join(', ')}` });
        }
        return send(200, await deps.lambda.invokeSync(fn.logicalId, payload ?? {}));
      }
      if (route === 'POST /api-server') {
        const { up } = await json<{ up?: boolean }>(req);
        await (up === false ? deps.apiSwitch.stop() : deps.apiSwitch.start());
        return send(200, { up: up !== false });
      }
      if (route === 'POST /faults') {
        const {
          function: name,
          fault,
          on,
        } = await json<{ function?: string; fault?: Fault; on?: boolean }>(req);
        deps.faults.set(String(name), fault as Fault, on !== false);
        return send(200, { faults: deps.faults.list() });
      }
      send(404, { error: `no ${req.method} ${url.pathname}` });
    } catch (error) {
      send(error instanceof InvokeRefused ? error.status : 400, { error: (error as Error).message });
    }
  };
}
