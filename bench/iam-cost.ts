import { mintToken } from '../infra/local/jwt.js';
import { ms, percentile, quietLocalRuntime } from './support.js';

// What enforcing IAM costs on the local runtime (infra/local/iam.ts): the same requests through
// two runtimes started side by side, one evaluating each function's requests against its role
// (the default), one giving every function the administrator's credentials and DynamoDB Local's
// own endpoint (the runtime as it was before), interleaved so the machine's noise hits both. A read (GET /deals/{id}: GetItem through the DynamoDB proxy), a
// list (GET /deals: a Query) and a write (POST /companies: a transaction), p50 and p95.

const SAMPLES = 300;

async function prepared(iam: boolean) {
  const started = performance.now();
  const local = await quietLocalRuntime('handoff-iam-cost-', { iam });
  const startMs = performance.now() - started;
  const token = await mintToken(local.localDir, { user: 'alice', groups: ['sales'] });
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${local.runtime.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text);
  };
  const deal = await call('POST', '/deals', {
    title: 'Bench',
    value: { amount: 1, currency: 'EUR' },
    ownerId: 'alice',
    nextAction: { summary: 'x', dueAt: '2031-01-01T00:00:00Z' },
  });
  let n = 0;
  const requests: Record<string, () => Promise<unknown>> = {
    'GET /deals/{id}': () => call('GET', `/deals/${deal.id}`),
    'GET /deals': () => call('GET', '/deals'),
    'POST /companies': () => call('POST', '/companies', { name: `Bench ${iam} ${n++}` }),
  };
  return { local, startMs, requests };
}

export async function iamCost(): Promise<string> {
  const enforced = await prepared(true);
  const open = await prepared(false);
  try {
    const rows: string[] = [];
    for (const name of Object.keys(enforced.requests)) {
      const timings = { enforced: [] as number[], open: [] as number[] };
      for (let i = 0; i < SAMPLES + 30; i++) {
        for (const [side, run] of [
          ['enforced', enforced.requests[name]!],
          ['open', open.requests[name]!],
        ] as const) {
          const t = performance.now();
          await run();
          if (i >= 30) timings[side].push(performance.now() - t);
        }
      }
      const p = (side: 'enforced' | 'open', q: number) => percentile(timings[side], q);
      rows.push(
        `| ${name} | ${ms(p('open', 50))} | ${ms(p('enforced', 50))} | ${(p('enforced', 50) / p('open', 50)).toFixed(2)}× | ${ms(p('open', 95))} | ${ms(p('enforced', 95))} |`,
      );
    }
    return [
      '## IAM on the local runtime: what enforcement costs',
      '',
      `${SAMPLES} requests of each kind through the local API, interleaved between a runtime that evaluates every function's requests against its role and one that gives every function the administrator's credentials and DynamoDB Local's own endpoint (\`iam: false\`: the runtime as it was before IAM), both started side by side on this machine.`,
      '',
      '| request | p50, not enforced | p50, enforced | ratio | p95, not enforced | p95, enforced |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Start (in memory, to ready): ${(open.startMs / 1000).toFixed(1)} s not enforced, ${(enforced.startMs / 1000).toFixed(1)} s enforced (the roles' deploy-time checks and the IAM data loaded once; started one after the other, the enforced one first, so this pair is noisier than the table).`,
    ].join('\n');
  } finally {
    await enforced.local.close();
    await open.local.close();
  }
}
