import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePortLayout } from '../infra/local/ports.js';
import { ROOT } from '../infra/local/runtime.js';
import { LOCAL_CDK_OUT } from '../infra/local/synth.js';

// Time from `npm start` to the first answered request, with the local synthesis (cdk.local.out) up to date (warm) and with
// it stale (cold: synthesis and bundling run first).

async function startAndAnswer(): Promise<number> {
  const port = await freePortLayout();
  const localDir = mkdtempSync(join(tmpdir(), 'handoff-start-'));
  const started = performance.now();
  const child = spawn('npm', ['start', '--', '--in-memory', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, HANDOFF_LOCAL_DIR: localDir },
    stdio: 'ignore',
    detached: true,
  });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://localhost:${port}/health`);
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 180_000) throw new Error('npm start did not answer within 3 minutes');
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(localDir, { recursive: true, force: true });
  }
}

export async function localStartup(): Promise<string> {
  rmSync(join(ROOT, LOCAL_CDK_OUT, '.handoff-inputs.sha256'), { force: true });
  const cold = await startAndAnswer();
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(await startAndAnswer());
  const s = (n: number) => `${(n / 1000).toFixed(1)} s`;
  return `## npm start: time to the first answered request

| cdk.local.out | time from \`npm start\` to \`GET /health\` answering |
| --- | --- |
| stale (synthesizes and bundles first) | ${s(cold)} |
| up to date (reused), best of 3 | ${s(Math.min(...warm))} (runs: ${warm.map(s).join(', ')}) |

Both start DynamoDB Local (Java) in memory and one warm environment per API function and for the relay before answering (the other functions start cold on their first event, as in AWS). Before issue 12 every function was warmed first: 3.1 s warm on the machine of that run, 15.0 s on this one with the tracer in every bundle. Before issue 14 split the API into five functions (three before) it was 7.6 s warm on this machine: each API function warmed adds about a second. This table comes from a machine about three times slower than the earlier runs'; just before it, on that machine, the commit before Lambda environments stopped loading the runtime's tsx (9318b66) took 7.3 s warm (runs: 8.6 s, 7.5 s, 7.3 s) and 30.8 s stale.`;
}
