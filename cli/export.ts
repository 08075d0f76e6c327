import { writeFileSync } from 'node:fs';
import { type ApiOptions, apiClient, CliError } from './api-client.js';

// `handoff export <kind> [--segment <id>] [--tag …] [--out file.csv]`: asks for an export, waits
// for its file, and writes it (to --out, or to standard output).

export async function exportRecords(
  kind: string,
  options: ApiOptions & {
    segment?: string | undefined;
    filter: Record<string, string>;
    out?: string | undefined;
    pollMs?: number;
  },
): Promise<number> {
  const api = apiClient(options);
  const job = await api('POST', '/exports', {
    kind,
    ...(options.segment ? { segmentId: options.segment } : {}),
    ...(Object.keys(options.filter).length ? { filter: options.filter } : {}),
  });
  let current = job;
  const until = Date.now() + 10 * 60_000;
  while (current.status === 'queued' || current.status === 'running') {
    if (Date.now() > until)
      throw new CliError(`export ${job.id} is still ${current.status} after 10 minutes`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    current = await api('GET', `/exports/${job.id}`);
  }
  if (current.status !== 'completed') throw new CliError(`export ${job.id} ${current.status}`);
  const file = Buffer.from(await (await fetch(current.download.url)).arrayBuffer());
  if (options.out) {
    writeFileSync(options.out, file);
    process.stderr.write(
      `export ${job.id}: ${current.rows} ${kind}${current.truncated ? ' (the first ones: the list is longer)' : ''} written to ${options.out}\n`,
    );
  } else {
    process.stdout.write(file);
  }
  return 0;
}
