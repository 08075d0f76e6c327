import { createSocket } from 'node:dgram';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

// Where the local runtime listens. Every service is on the loopback interface only (nothing on
// this machine is meant for the network: the local issuer signs anyone in), and at a fixed
// offset from --port, so each keeps its address across restarts: a console tab, or a sign-in
// page, left open finds the runtime where it was. --port 0 gives every service a free port of
// the system's choosing instead (the tests run many runtimes at once).

export const LOOPBACK = '127.0.0.1';

/** The layout: the service on each offset from --port, in the words the errors and the docs use. */
export const PORT_LAYOUT = {
  api: { offset: 0, name: 'the API' },
  console: { offset: 1, name: 'the web console' },
  issuer: { offset: 2, name: 'the sign-in page (the local issuer)' },
  s3: { offset: 3, name: 'S3' },
  dynamodb: { offset: 4, name: 'DynamoDB' },
  eventbridge: { offset: 5, name: 'EventBridge' },
  lambda: { offset: 6, name: 'the Lambda service' },
  ses: { offset: 7, name: 'SES' },
  sqs: { offset: 8, name: 'SQS' },
  faults: { offset: 9, name: 'the fault endpoint' },
  control: { offset: 10, name: 'the control API' },
  xray: { offset: 11, name: 'the X-Ray daemon (UDP)' },
  smtp: { offset: 12, name: 'SMTP (SES receiving: mail to the capture domain)' },
} as const;

export type LocalService = keyof typeof PORT_LAYOUT;
export const PORT_COUNT = Object.keys(PORT_LAYOUT).length;
export const DEFAULT_PORT = 3000;
const HIGHEST_PORT = 65535;

export interface PortPlan {
  ports: Record<LocalService, number>;
  /** How to move a port, for the error that says it is taken. */
  flags: Record<LocalService, string>;
}

export class PortOutOfRange extends Error {
  constructor(port: number) {
    super(
      `--port (or PORT) is the first of the runtime's ${PORT_COUNT} ports, so it is 1 to ` +
        `${HIGHEST_PORT - PORT_COUNT + 1} (or 0 for any free ones), not ${port}`,
    );
  }
}

/** A port of the layout is in use by something else; the runtime stops rather than move it. */
export class PortTaken extends Error {
  constructor(
    readonly port: number,
    readonly service: LocalService,
    flag: string,
  ) {
    super(
      `port ${port}, for ${PORT_LAYOUT[service].name}, is taken: stop what listens on it ` +
        `(\`ss -ltnup 'sport = :${port}'\` names it) or start with ${flag}`,
    );
  }
}

/** Every service's port: --port plus its offset (the console's may be set apart); 0 for "any free one". */
export function portPlan(base: number, consolePort?: number): PortPlan {
  if (!Number.isInteger(base) || base < 0 || (base > 0 && base + PORT_COUNT - 1 > HIGHEST_PORT))
    throw new PortOutOfRange(base);
  const layoutFlag = `--port N (every port moves with it: N to N+${PORT_COUNT - 1}; PORT=N does the same)`;
  const entries = Object.entries(PORT_LAYOUT) as [LocalService, { offset: number }][];
  const ports = Object.fromEntries(entries.map(([s, { offset }]) => [s, base === 0 ? 0 : base + offset]));
  const flags = Object.fromEntries(entries.map(([s]) => [s, layoutFlag]));
  if (consolePort !== undefined) {
    ports.console = consolePort;
    flags.console = '--console-port N (0: any free port)';
  }
  return { ports, flags } as PortPlan;
}

/** Listens on the loopback interface; a port in use is a PortTaken, naming the flag that moves it. */
export function listenOnLoopback(
  server: Server,
  port: number,
  service: LocalService,
  plan: PortPlan,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortTaken(port, service, plan.flags[service]) : error),
    );
    server.listen(port, LOOPBACK, () => resolve((server.address() as AddressInfo).port));
  });
}

/** A free TCP port of the loopback interface, chosen by the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const bindsTcp = (port: number) =>
  new Promise<(() => Promise<void>) | undefined>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, LOOPBACK, () => resolve(() => new Promise((r) => server.close(() => r()))));
  });

const bindsUdp = (port: number) =>
  new Promise<(() => Promise<void>) | undefined>((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(undefined));
    socket.bind(port, LOOPBACK, () => resolve(() => new Promise((r) => socket.close(() => r()))));
  });

/**
 * A --port whose whole layout is free now, for a test or a benchmark that needs fixed ports (a
 * restart on the same ones). It is picked below the system's ephemeral range (32768 and up on
 * Linux), where outgoing connections take their ports, so none of them lands in it meanwhile.
 */
export async function freePortLayout(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (32_768 - 10_000 - PORT_COUNT));
    const held: (() => Promise<void>)[] = [];
    let free = true;
    for (const { offset } of Object.values(PORT_LAYOUT)) {
      const release = await (offset === PORT_LAYOUT.xray.offset ? bindsUdp : bindsTcp)(base + offset);
      if (!release) {
        free = false;
        break;
      }
      held.push(release);
    }
    await Promise.all(held.map((release) => release()));
    if (free) return base;
  }
  throw new Error('found no free run of ports for the local runtime between 10000 and 32768');
}
