import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type ApiOptions, apiClient, CliError } from './api-client.js';

// `handoff import <kind> <file.csv>`: asks the API for an import, uploads the file to the link it
// answers (S3, presigned), then follows the job: a progress bar while rows are written, then the
// summary, and the rejected rows saved beside the file (row, field, reason).

interface Rows {
  total: number | null;
  read: number;
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

export async function importFile(
  kind: string,
  file: string,
  options: ApiOptions & { onDuplicate?: string | undefined; pollMs?: number },
): Promise<number> {
  const api = apiClient(options);
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch {
    throw new CliError(`cannot read ${file}`);
  }
  const job = await api('POST', '/imports', {
    kind,
    fileName: basename(file),
    ...(options.onDuplicate ? { onDuplicate: options.onDuplicate } : {}),
  });
  const upload = await fetch(job.upload.url, {
    method: 'PUT',
    headers: job.upload.headers,
    body: new Uint8Array(content),
  });
  if (!upload.ok) throw new CliError(`the upload was refused: ${upload.status} ${await upload.text()}`);
  process.stderr.write(
    `${job.id}: ${basename(file)} uploaded (${content.length} bytes); checking the file…\n`,
  );

  const bar = new SingleBar(
    {
      format:
        'rows {bar} {value}/{total} | created {created} updated {updated} skipped {skipped} rejected {rejected}',
      stream: process.stderr,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    undefined,
  );
  let started = false;
  let current = job;
  for (;;) {
    await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    current = await api('GET', `/imports/${job.id}`);
    const rows = current.rows as Rows;
    if (rows.total !== null && !started) {
      bar.start(rows.total, 0, { created: 0, updated: 0, skipped: 0, rejected: 0 });
      started = true;
    }
    if (started)
      bar.update(rows.read, {
        created: rows.created,
        updated: rows.updated,
        skipped: rows.skipped,
        rejected: rows.rejected,
      });
    if (current.status === 'completed' || current.status === 'failed') break;
  }
  if (started) bar.stop();

  if (current.status === 'failed') {
    const { title, detail, line } = current.error;
    console.log(
      `import ${job.id} failed, nothing was written: ${title}: ${detail}${line ? ` (line ${line})` : ''}`,
    );
    return 1;
  }
  const rows = current.rows as Rows;
  console.log(
    `import ${job.id} completed: ${rows.read} rows read, ${rows.created} created, ${rows.updated} updated, ${rows.skipped} skipped, ${rows.rejected} rejected`,
  );
  if (current.rejectedRows) {
    const report = join(dirname(file), `${basename(file, extname(file))}.rejected.csv`);
    const res = await fetch(current.rejectedRows.url);
    writeFileSync(report, Buffer.from(await res.arrayBuffer()));
    console.log(`rejected rows (row, field, reason): ${report}`);
  }
  return 0;
}
