import type { NewImport } from '../../../domain/transfer/jobs.js';
import { requestImport as decide } from '../../../domain/transfer/transfer.commands.js';
import type { CommandInput } from '../../lib/command-input.js';
import { uploadKey } from '../../lib/files/file-keys.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';

/** Records an import waiting for its file and signs the link to upload it to (the upload starts it). */
export async function requestImport(
  s: Pick<Services, 'files' | 'imports' | 'store'>,
  body: NewImport,
  { ctx }: CommandInput,
) {
  const job = decide(body, ctx);
  await new UnitOfWork().add(s.imports.create(job)).commit(s.store);
  const upload = await (await s.files()).uploadLink(uploadKey(job.id), Date.now());
  const { actor: _a, attempt: _n, ...shown } = job;
  return {
    job,
    answer: {
      ...shown,
      upload: uploadInstructions(upload),
    },
  };
}

/** How to upload an import's file: a PUT of CSV to the presigned link, before it expires. */
export function uploadInstructions(link: { url: string; expiresAt: string }) {
  return { ...link, method: 'PUT' as const, headers: { 'content-type': 'text/csv' } };
}
