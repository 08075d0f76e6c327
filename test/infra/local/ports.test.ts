import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE } from '../../../infra/local/jwt.js';
import { freePortLayout, PORT_COUNT, PORT_LAYOUT } from '../../../infra/local/ports.js';
import { type RunningLocal, startLocal } from '../../support/local-runtime.js';
import { isLoopback, listeningSockets, processGroup } from '../../support/sockets.js';

// Where `npm start` listens, as the operating system sees it: on the loopback interface only
// (DynamoDB Local's JVM too, whose own main listens on every interface), and on the ports of
// the layout --port gives, so the sign-in page and every other address outlive a restart; a
// port of the layout already taken stops the start with an error that names it.

const localDir = mkdtempSync(join(tmpdir(), 'handoff-ports-'));
let base: number;
let local: RunningLocal | undefined;

beforeAll(async () => {
  base = await freePortLayout();
  // warm, as `npm start` runs: the API's Lambda environments are up when it says so
  // its own DynamoDB Local, as `npm start` runs, whose sockets are checked below
  local = await startLocal({ port: base, localDir, warm: true, ownDynamoDb: true });
}, 180_000);

afterAll(async () => {
  await local?.stop();
  rmSync(localDir, { recursive: true, force: true });
});

const addresses = () =>
  JSON.parse(readFileSync(join(localDir, 'runtime.json'), 'utf8')) as Record<string, string | number>;

/** The sign-in page as the console sends a browser to it (a PKCE authorization request). */
const signInPage = (issuerUrl: string, consoleUrl: string) => {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const query = new URLSearchParams({
    client_id: LOCAL_AUDIENCE,
    redirect_uri: `${consoleUrl}/callback`,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'left-open',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${issuerUrl}/oauth2/authorize?${query}`;
};

const occupy = (port: number) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('npm start on a --port of its own', () => {
  it('listens on the loopback interface only: the runtime, its Lambda environments and DynamoDB Local', () => {
    const sockets = listeningSockets(processGroup(local!.pid));
    const { dynamoEndpoint } = addresses();
    // the JVM is among them, on a port of its own behind DynamoDB's endpoint of the layout (the
    // IAM check: infra/local/dynamodb-iam.ts)
    expect(sockets).toContainEqual(expect.objectContaining({ command: 'java', protocol: 'tcp' }));
    expect(new URL(String(dynamoEndpoint)).port).toBe(String(base + PORT_LAYOUT.dynamodb.offset));
    // every service of the layout is one of them
    const ports = new Set(sockets.map((s) => s.port));
    for (const { offset } of Object.values(PORT_LAYOUT)) expect(ports).toContain(base + offset);
    expect(sockets.filter((s) => !isLoopback(s.address))).toEqual([]);
  });

  it('keeps every address across a restart: a tab left on the sign-in page still has it', async () => {
    const before = addresses();
    expect(before).toMatchObject({
      apiUrl: `http://localhost:${base}`,
      consoleUrl: `http://localhost:${base + 1}`,
      issuerUrl: `http://localhost:${base + 2}`,
    });
    const page = signInPage(String(before.issuerUrl), String(before.consoleUrl));
    const first = await fetch(page);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('Sign in to Handoff');

    await local!.stop({ keepDir: true });
    local = undefined;
    await expect(fetch(page)).rejects.toThrow(); // nothing listens while it is stopped
    local = await startLocal({ port: base, localDir, warm: true, ownDynamoDb: true });

    const { pid: _before, ...kept } = before;
    const { pid: _after, ...now } = addresses();
    expect(now).toEqual(kept);
    const again = await fetch(page);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Sign in to Handoff');
    expect((await fetch(`${now.apiUrl}/health`)).status).toBe(200);
  }, 240_000);
});

describe('npm start when a port of its layout is taken', () => {
  it.each([
    ['the sign-in page (the local issuer)', PORT_LAYOUT.issuer.offset],
    ['DynamoDB', PORT_LAYOUT.dynamodb.offset],
  ])(
    'stops at once with an error that names the port, %s and --port',
    async (name, offset) => {
      const other = await freePortLayout();
      const taken = await occupy(other + offset);
      const dir = mkdtempSync(join(tmpdir(), 'handoff-ports-taken-'));
      try {
        const started = Date.now();
        const error = await startLocal({ port: other, localDir: dir }).then(
          (l) => l.stop().then(() => new Error('it started')),
          (e: Error) => e,
        );
        expect(error.message).toContain(
          `npm start: port ${other + offset}, for ${name}, is taken: stop what listens on it`,
        );
        expect(error.message).toContain(
          `or start with --port N (every port moves with it: N to N+${PORT_COUNT - 1};`,
        );
        // it stops before synthesis and the JVM, and leaves none of the other ports taken
        expect(Date.now() - started).toBeLessThan(30_000);
        const free = await Promise.all(
          Object.values(PORT_LAYOUT)
            .filter((p) => p.offset !== offset && p.offset !== PORT_LAYOUT.xray.offset)
            .map((p) => occupy(other + p.offset)),
        );
        await Promise.all(free.map((s) => new Promise((r) => s.close(r))));
      } finally {
        await new Promise((r) => taken.close(r));
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
