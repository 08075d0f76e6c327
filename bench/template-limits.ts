import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../infra/app.js';
import { functionPolicies } from '../infra/template-limits.js';

// The synthesized stack against the limits a CloudFormation deploy hits: resources per template
// (of 500), each template's size as CDK uploads it (of 1 MB), and the largest function
// resource-based policy (of Lambda's 20 KB), measured as infra/template-limits.ts says.

export async function templateLimits(): Promise<string> {
  const outdir = mkdtempSync(join(tmpdir(), 'handoff-bench-synth-'));
  const app = new App({ outdir });
  buildApp(app);
  app.synth();
  const rows: string[] = [];
  let policies: ReturnType<typeof functionPolicies> = [];
  for (const name of readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .sort()) {
    const text = readFileSync(join(outdir, name), 'utf8');
    const resources = JSON.parse(text).Resources as Record<string, { Type: string; Properties: any }>;
    policies = [...policies, ...functionPolicies(resources)];
    const types = Object.values(resources).reduce<Record<string, number>>((n, r) => {
      n[r.Type] = (n[r.Type] ?? 0) + 1;
      return n;
    }, {});
    const top = Object.entries(types)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 4)
      .map(([t, n]) => `${n} ${t.replace('AWS::', '')}`)
      .join(', ');
    rows.push(
      `| \`${name}\` | ${Object.keys(resources).length} of 500 | ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB of 977 KB | ${top} |`,
    );
  }
  rmSync(outdir, { recursive: true, force: true });
  const largest = policies.sort((a, b) => b.bytes - a.bytes)[0];
  return `## The template against CloudFormation's limits

| template | resources | size (as uploaded) | most numerous |
| --- | --- | --- | --- |
${rows.join('\n')}

Largest function resource-based policy: ${largest ? `${(largest.bytes / 1024).toFixed(1)} KB of 20 KB (${largest.statements} statement${largest.statements === 1 ? '' : 's'})` : 'none'}, with every intrinsic at its longest value.
The infrastructure tests hold each template under 450 resources and 800 KB, and each policy under 15 KB.

Before issue 12 (one permission per route, the schema registry in the main stack; this benchmark
run on commit 08ff7c9): one template of 357 resources (85 \`Lambda::Permission\`, 81 routes, 59
\`EventSchemas::Schema\`) and 425 KB; the CRM API's policy held 55 statements, 33.6 KB measured the
same way: past Lambda's 20 KB, so the first deploy would have failed.`;
}
