import type { CommandContext } from '../../../domain/shared/context.js';
import { assertMaySee } from '../../../domain/transfer/transfer.commands.js';
import { rejectedRowsKey, skippedRowsKey, uploadKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';
import { uploadInstructions } from './request-import.js';

/** An import as its requester sees it: a fresh upload link while it waits, the rejected and skipped rows once done. */
export async function importStatus(s: Pick<Services, 'files' | 'imports'>, id: string, ctx: CommandContext) {
  const job = await s.imports.require(id);
  assertMaySee(ctx, job);
  const now = Date.now();
  if (job.status === 'waiting-for-upload') {
    const link = await (await s.files()).uploadLink(uploadKey(job.id), now);
    return {
      job,
      answer: {
        ...job,
        upload: uploadInstructions(link),
      },
    };
  }
  if (job.status === 'completed') {
    const files = await s.files();
    const [rejectedRows, skippedRows] = await Promise.all([
      job.rows.rejected > 0
        ? files.downloadLink(rejectedRowsKey(job.id), `${job.id}-rejected.csv`, now)
        : null,
      job.rows.skipped > 0 ? files.downloadLink(skippedRowsKey(job.id), `${job.id}-skipped.csv`, now) : null,
    ]);
    return { job, answer: { ...job, rejectedRows, skippedRows } };
  }
  return { job, answer: job };
}
