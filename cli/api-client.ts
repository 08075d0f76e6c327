import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The CLI's way to the HTTP API: the URL (--api, HANDOFF_API_URL, or the local runtime when it
// runs) and a bearer token (--token or HANDOFF_TOKEN). A refusal prints the problem document's
// detail and each field error, as the API wrote them.

export class CliError extends Error {}

export interface ApiOptions {
  api?: string | undefined;
  token?: string | undefined;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function localApiUrl(): string | undefined {
  const file = join(process.env.HANDOFF_LOCAL_DIR ?? join(ROOT, '.local'), 'runtime.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')).apiUrl as string) : undefined;
}

export function apiClient(options: ApiOptions) {
  const base = (options.api ?? process.env.HANDOFF_API_URL ?? localApiUrl())?.replace(/\/+$/, '');
  if (!base)
    throw new CliError(
      'name the API with --api <url> (or HANDOFF_API_URL), or start the local runtime (npm start)',
    );
  const token = options.token ?? process.env.HANDOFF_TOKEN;
  if (!token) {
    throw new CliError(
      'a token is needed: pass --token or set HANDOFF_TOKEN (locally: export HANDOFF_TOKEN=$(npm run --silent token -- --user you --groups manager))',
    );
  }
  return async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const errors = (json?.errors ?? []) as { path: string; message: string }[];
      throw new CliError(
        [
          `${method} ${path}: ${res.status} ${json?.title ?? ''}: ${json?.detail ?? text}`,
          ...errors.map((e) => `  ${e.path}: ${e.message}`),
        ].join('\n'),
      );
    }
    return json as T;
  };
}
