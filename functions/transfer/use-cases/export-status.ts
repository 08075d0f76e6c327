import type { CommandContext } from '../../../domain/shared/context.js';
import { assertMaySee } from '../../../domain/transfer/transfer.commands.js';
import { exportKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';

/** An export as its requester sees it: the link to its file once it is written. */
export async function exportStatus(s: Pick<Services, 'exports' | 'files'>, id: string, ctx: CommandContext) {
  const job = await s.exports.require(id);
  assertMaySee(ctx, job);
  const download =
    job.status === 'completed'
      ? await (await s.files()).downloadLink(
          exportKey(job.id, job.kind),
          `${job.kind}-${job.id}.csv`,
          Date.now(),
        )
      : null;
  return { job, answer: { ...job, download } };
}
