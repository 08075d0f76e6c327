import { createServer, type Server } from 'node:http';
import type { LocalEventBus } from './event-bus.js';
import type { LambdaFunctionPool } from './lambdas.js';
import type { LocalQueues } from './queues.js';
import type { LocalScheduler } from './scheduler.js';
import type { LocalApp } from './template.js';

// The local runtime's own small API, on a port of its own (written to .local/runtime.json),
// for the CLIs and the tests: fire a schedule as of an instant, read what crossed the bus,
// read the dead-letter queues, invoke a function directly (as `aws lambda invoke` does). It is not part of the deployed system.

export function createControlServer(deps: {
  app: LocalApp;
  bus: LocalEventBus;
  scheduler: LocalScheduler;
  queues: LocalQueues;
  pools: Map<string, LambdaFunctionPool>;
  apiUrl: string;
}): Server {
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/status') {
        return send(200, {
          apiUrl: deps.apiUrl,
          functions: [...deps.app.functions.values()].map((f) => f.name),
          schedules: deps.scheduler.names(),
          rules: deps.app.rules.map((r) => ({ rule: r.logicalId, pattern: r.pattern })),
        });
      }
      if (req.method === 'GET' && url.pathname === '/events') {
        const since = Number(url.searchParams.get('since') ?? 0);
        const type = url.searchParams.get('type');
        const events = deps.bus.events.slice(since).filter((e) => !type || e['detail-type'] === type);
        return send(200, { events, next: deps.bus.events.length });
      }
      if (req.method === 'GET' && url.pathname === '/dead-letters')
        return send(200, { messages: deps.queues.messages });
      if (req.method === 'POST' && url.pathname === '/fire') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const { schedule, at } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
          schedule?: string;
          at?: string;
        };
        if (!schedule) return send(400, { error: 'name the schedule to fire' });
        const when = at ? new Date(at) : new Date();
        if (Number.isNaN(when.getTime())) return send(400, { error: `${at} is not an instant` });
        return send(200, await deps.scheduler.fire(schedule, when));
      }
      if (req.method === 'POST' && url.pathname === '/invoke') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const { function: name, payload } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
          function?: string;
          payload?: unknown;
        };
        const pool = [...deps.pools.values()].find((p) => p.fn.name === name);
        if (!pool) {
          const known = [...deps.pools.values()].map((p) => p.fn.name).sort();
          return send(404, { error: `no function ${name}; the template has ${known.join(', ')}` });
        }
        return send(200, await pool.invoke(payload ?? {}));
      }
      send(404, { error: `no ${req.method} ${url.pathname}` });
    } catch (error) {
      send(400, { error: (error as Error).message });
    }
  });
}
