import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// An export (docs/api.md, "Importing and exporting CSV"): asked for, written by the export
// function a moment later, followed here until its file is ready, then downloaded (the link is
// S3's, signed, and answers the file as an attachment).

type ExportAnswer = Schemas['ExportAnswer'];

const finished = (job: ExportAnswer | undefined) => job?.status === 'completed' || job?.status === 'failed';

export function useExportJob() {
  const { client } = useSession();
  const start = useMutation({
    mutationFn: (body: Schemas['NewExport']) => answer(client.POST('/exports', { body })),
  });
  const id = start.data?.id;
  const followed = useQuery({
    queryKey: ['export', id],
    queryFn: () => answer(client.GET('/exports/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id) && !finished(start.data),
    refetchInterval: (q) => (finished(q.state.data) ? false : 1_000),
  });
  const job = followed.data ?? start.data;
  // the file is downloaded once, when it is ready; the link stays for another copy
  const downloaded = useRef<string | null>(null);
  useEffect(() => {
    if (job?.status === 'completed' && job.download && downloaded.current !== job.id) {
      downloaded.current = job.id;
      window.location.assign(job.download.url);
    }
  }, [job]);
  return { start, job, error: followed.error };
}

/** Where an export is: running, ready (with its link), or why it failed. */
export function ExportStatus({
  exporting,
  what,
}: {
  exporting: ReturnType<typeof useExportJob>;
  what: string;
}) {
  const { job, error } = exporting;
  if (error) return <ProblemAlert error={error} loading="the export's progress" />;
  if (!job) return null;
  if (job.status === 'failed')
    return (
      <div role="alert" className="problem">
        <strong>
          The export of {what} failed: {job.error?.title ?? 'no reason given'}.
        </strong>
        {job.error?.detail && <p>{job.error.detail}</p>}
      </div>
    );
  if (job.status !== 'completed' || !job.download)
    return (
      <p role="status" className="waiting" data-export-status={job.status}>
        Exporting {what}… {job.rows > 0 ? `${job.rows.toLocaleString()} rows so far.` : ''}
      </p>
    );
  return (
    <p role="status" data-export-status="completed">
      Exported {job.rows.toLocaleString()} {job.rows === 1 ? 'row' : 'rows'} of {what}
      {job.truncated ? ' (the first 50,000: the list has more)' : ''}.{' '}
      <a href={job.download.url}>Download the CSV</a>{' '}
      <span className="muted">
        (the link works until {new Date(job.download.expiresAt).toLocaleTimeString()})
      </span>
    </p>
  );
}
