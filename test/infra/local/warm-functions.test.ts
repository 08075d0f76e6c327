import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocal, startLocal } from '../../support/local-runtime.js';

// `npm start -- --warm CrmApi`: only the functions named start ahead of their first request; the
// others start on it, as in AWS, and say so in their invocation's line. A name the stack does not
// have stops the start, naming the functions it does have.

let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal({ warm: ['CrmApi'] });
});
afterAll(async () => {
  await local?.stop();
});

/** The invocation's line, once the runtime has printed it (its output comes through a pipe). */
async function lineOf(fn: string, what: string): Promise<string | undefined> {
  const until = Date.now() + 10_000;
  for (;;) {
    const line = local
      .output()
      .split('\n')
      .find((l) => l.includes(fn) && l.includes(what));
    if (line || Date.now() > until) return line;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('--warm', () => {
  it('a named function answers its first request from the environment started ahead; another starts on its first', async () => {
    const alice = await local.token({ user: 'alice', groups: ['sales'] });
    expect((await local.api('GET', '/deals', { token: alice })).status).toBe(200);
    expect((await local.api('GET', '/me', { token: alice })).status).toBe(200);
    const deals = await lineOf('CrmApi', 'GET /deals');
    const me = await lineOf('WorkspaceApi', 'GET /me');
    expect(deals).toBeDefined();
    expect(deals).not.toContain('cold start');
    expect(me).toMatch(/\(cold start \d+ ms\)/);
  });

  it('an empty list, or one with --cold, is refused before anything starts', async () => {
    await expect(startLocal({ args: ['--warm', ','] })).rejects.toThrow(
      /--warm needs at least one function's name/,
    );
    await expect(startLocal({ args: ['--cold', '--warm', 'CrmApi'] })).rejects.toThrow(
      /--cold and --warm contradict each other/,
    );
  });

  it('a name the stack does not have stops the start, naming the functions it has', async () => {
    await expect(startLocal({ warm: ['CrmAPI'] })).rejects.toThrow(
      /--warm names CrmAPI, which is not a function of the stack \(its functions: .*\bCrmApi\b/,
    );
  });
});
