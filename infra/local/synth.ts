import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// `npm start` runs what `cdk synth` produces, synthesized with the local context into a folder
// of its own (cdk.local.out), so `npm run synth` (cdk.out, the deployment's context) never
// leaves it a template made for something else. Synthesis (and its esbuild bundling) is
// skipped when nothing it reads has changed since the last one: the hash of those files and of
// the context is kept beside the template.

/**
 * Context the local runtime synthesizes with: the digest mailer is deployed, so digests leave
 * mail under .local/mail/ (the local SES); email capture is on for crm.handoff.local (the local
 * SMTP server receives its mail), and people at example.com (the local sign-in's) send from the
 * console. Everything else is the stack's defaults.
 */
export const LOCAL_CONTEXT: Record<string, string> = {
  digestFromEmail: 'digest@handoff.local',
  inboundEmailDomain: 'crm.handoff.local',
  emailSenderDomains: 'example.com',
};

/** Where the local runtime's synthesis goes (not cdk.out, which `npm run synth` owns). */
export const LOCAL_CDK_OUT = 'cdk.local.out';

const INPUTS = [
  'infra',
  'functions',
  'web',
  'clients',
  'domain',
  'docs/openapi.json',
  'package.json',
  'package-lock.json',
  'cdk.json',
  'tsconfig.json',
];
const IGNORED = [/^infra\/local\//, /^web\/dist\//];

function files(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full).flatMap((name) => files(root, join(path, name)));
}

export function inputsHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((p) => files(root, p)).sort()) {
    const rel = relative(root, join(root, file));
    if (IGNORED.some((r) => r.test(rel))) continue;
    hash
      .update(rel)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

export interface SynthOutcome {
  cdkOut: string;
  synthesized: boolean;
  ms: number;
}

export function synthesizeIfChanged(root: string, log: (m: string) => void = () => undefined): SynthOutcome {
  const started = performance.now();
  const cdkOut = join(root, LOCAL_CDK_OUT);
  const marker = join(cdkOut, '.handoff-inputs.sha256');
  const hash = `${inputsHash(root)}:${JSON.stringify(LOCAL_CONTEXT)}`;
  if (
    existsSync(marker) &&
    readFileSync(marker, 'utf8') === hash &&
    existsSync(join(cdkOut, 'manifest.json'))
  ) {
    return { cdkOut, synthesized: false, ms: performance.now() - started };
  }
  log('synthesizing the stack (cdk synth) ...');
  const cdk = join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  const context = Object.entries(LOCAL_CONTEXT).flatMap(([k, v]) => ['--context', `${k}=${v}`]);
  const result = spawnSync(process.execPath, [cdk, 'synth', '--quiet', '--output', cdkOut, ...context], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_CLI_NOTICES: 'false' },
  });
  if (result.status !== 0) {
    throw new Error(`cdk synth failed:\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(marker, hash);
  return { cdkOut, synthesized: true, ms: performance.now() - started };
}
