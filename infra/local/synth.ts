import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, relative } from 'node:path';

// `npm start` runs what `cdk synth` produces, synthesized with the local context into a folder
// of its own (cdk.local.out), so `npm run synth` (cdk.out, the deployment's context) never
// leaves it a template made for something else. Synthesis (and its esbuild bundling) is
// skipped when nothing it reads has changed since the last one: the hash of those files and of
// the context is kept beside the template. One synthesis at a time: a lock file beside the
// folder (with its holder's pid) makes a second caller wait and then reuse what the first made
// (two `npm start`s, or the tests' background synthesis and a test file that needs it). The
// lock is written by hand: the runtime's start is synchronous, and the well-known lock library
// (proper-lockfile) does not wait in its synchronous form.

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

/** How long a caller waits between looks at a synthesis another process is making. */
const LOCK_POLL_MS = 200;

/** Takes the synthesis lock, waiting while a live process holds it; a dead holder's is taken over. */
function lock(root: string): () => void {
  const path = join(root, `${LOCAL_CDK_OUT}.lock`);
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      // released once, and only while it is still this process's (a failed spawn reports both
      // 'error' and 'close'; a second release must not remove the next holder's lock)
      let held = true;
      return () => {
        if (held && holderOf(path) === process.pid) rmSync(path, { force: true });
        held = false;
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // a dead holder's lock is taken over; an empty one is being written by its new holder (or
    // was left by one killed in between, after a few seconds)
    const holder = holderOf(path);
    if (holder === process.pid)
      throw new Error('this process is synthesizing already (synthesizeInBackground): await that');
    const stale = holder === undefined ? ageMs(path) > 5_000 : !alive(holder);
    if (stale) rmSync(path, { force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_POLL_MS);
  }
}

/** The pid in the lock file; undefined when it is gone or not written yet. */
function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Plan {
  cdkOut: string;
  marker: string;
  hash: string;
  fresh: boolean;
  command: string[];
  env: NodeJS.ProcessEnv;
}

function plan(root: string): Plan {
  const cdkOut = join(root, LOCAL_CDK_OUT);
  const marker = join(cdkOut, '.handoff-inputs.sha256');
  const hash = `${inputsHash(root)}:${JSON.stringify(LOCAL_CONTEXT)}`;
  const fresh =
    existsSync(marker) && readFileSync(marker, 'utf8') === hash && existsSync(join(cdkOut, 'manifest.json'));
  const cdk = join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk');
  const context = Object.entries(LOCAL_CONTEXT).flatMap(([k, v]) => ['--context', `${k}=${v}`]);
  return {
    cdkOut,
    marker,
    hash,
    fresh,
    command: [cdk, 'synth', '--quiet', '--output', cdkOut, ...context],
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_CLI_NOTICES: 'false' },
  };
}

export function synthesizeIfChanged(root: string, log: (m: string) => void = () => undefined): SynthOutcome {
  const started = performance.now();
  const release = lock(root);
  try {
    const p = plan(root);
    if (p.fresh) return { cdkOut: p.cdkOut, synthesized: false, ms: performance.now() - started };
    log('synthesizing the stack (cdk synth) ...');
    const result = spawnSync(process.execPath, p.command, { cwd: root, encoding: 'utf8', env: p.env });
    if (result.status !== 0) throw new Error(`cdk synth failed:\n${result.stdout}\n${result.stderr}`);
    writeFileSync(p.marker, p.hash);
    return { cdkOut: p.cdkOut, synthesized: true, ms: performance.now() - started };
  } finally {
    release();
  }
}

let inBackground: Promise<SynthOutcome> | undefined;

/**
 * synthesizeIfChanged without blocking this process: the lock is taken at once (so any other
 * caller waits for this synthesis), `cdk synth` runs as a child, and the promise settles when
 * it is done. The tests' global setup starts it while the files that need no template run.
 */
export function synthesizeInBackground(root: string): Promise<SynthOutcome> {
  inBackground ??= startInBackground(root).finally(() => {
    inBackground = undefined;
  });
  return inBackground;
}

function startInBackground(root: string): Promise<SynthOutcome> {
  const started = performance.now();
  const release = lock(root);
  let p: Plan;
  try {
    p = plan(root);
  } catch (error) {
    release();
    throw error;
  }
  if (p.fresh) {
    release();
    return Promise.resolve({ cdkOut: p.cdkOut, synthesized: false, ms: performance.now() - started });
  }
  return new Promise<SynthOutcome>((resolve, reject) => {
    const child = spawn(process.execPath, p.command, {
      cwd: root,
      env: p.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('error', (error) => {
      release();
      reject(error);
    });
    child.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`cdk synth failed:\n${output}`);
        writeFileSync(p.marker, p.hash);
        resolve({ cdkOut: p.cdkOut, synthesized: true, ms: performance.now() - started });
      } catch (error) {
        reject(error);
      } finally {
        release();
      }
    });
  });
}
