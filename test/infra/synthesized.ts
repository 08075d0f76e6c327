import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../infra/app.js';

// The stack synthesized as `cdk synth` does it, for the infrastructure tests. `bundle: false`
// skips esbuild (CDK's own `aws:cdk:bundling-stacks` context): the template is the same but for
// the assets' hashes, which is what the tests of deployment variants (context values) need.

export type Resources = Record<
  string,
  { Type: string; Properties: any; DeletionPolicy?: string; Metadata?: any; DependsOn?: unknown }
>;

export interface Synthesized {
  template: Template;
  resources: Resources;
  /** Every template file the deploy uploads (the stack's and its nested stacks'), as CDK wrote it. */
  files: { name: string; path: string; bytes: number; json: { Resources: Resources } }[];
  app: App;
}

export function synthesize(
  context: Record<string, unknown> = {},
  options: { bundle?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'handoff-synth-'));
  const app = new App({
    outdir,
    context: options.bundle ? context : { ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const { stack } = buildApp(app);
  app.synth();
  const template = Template.fromStack(stack);
  const files = readdirSync(outdir)
    .filter((f) => f.endsWith('.template.json'))
    .map((name) => {
      const path = join(outdir, name);
      const text = readFileSync(path, 'utf8');
      return { name, path, bytes: Buffer.byteLength(text), json: JSON.parse(text) };
    });
  return { template, resources: template.toJSON().Resources, files, app };
}

export const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
