import { useInfiniteQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { answer, type Schemas } from '../api/client.js';
import type { ApiPage } from '../api/paging.js';
import { usePeople, usePipelines } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { dateTime } from './format.js';
import { ProblemAlert } from './ProblemAlert.js';

type Entry = Schemas['TimelineEntry'];
type Activity = Extract<Entry, { kind: 'activity' }>['activity'];

// the thread's reader (and its HTML sanitizer) loads when an email is first opened
const EmailThread = lazy(() => import('../email/EmailThread.js'));

/** An email on the timeline: who wrote to whom, what it says at first, and its thread on demand. */
function EmailEntry({ activity }: { activity: Activity }) {
  const [open, setOpen] = useState(false);
  const email = activity.email!;
  const to = [...email.to, ...email.cc].map((a) => a.name ?? a.address).join(', ');
  return (
    <>
      email {email.direction === 'sent' ? 'sent' : 'received'}: <strong>{activity.subject}</strong>{' '}
      <span className="muted">
        from {email.from.name ?? email.from.address} to {to || '–'}
        {email.attachments > 0 && `, ${email.attachments} file${email.attachments === 1 ? '' : 's'}`}
      </span>{' '}
      <button type="button" className="link" onClick={() => setOpen(true)}>
        Open the thread<span className="visually-hidden"> of “{activity.subject}”</span>
      </button>
      {activity.body && <div className="email-snippet">{activity.body.slice(0, 240)}</div>}
      {open && (
        <Suspense fallback={<span aria-busy="true">Opening…</span>}>
          <EmailThread
            threadId={email.threadId}
            emailId={email.emailId}
            open
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
    </>
  );
}

const quoteLabel = (entry: { quote?: { number: string; quoteVersion: number } | undefined }) =>
  entry.quote ? `${entry.quote.number} v${entry.quote.quoteVersion}` : '';

function describe(
  entry: Entry,
  nameOf: (id: string) => string,
  stageName: (id: string | undefined) => string,
): string {
  if (entry.kind === 'activity') return `${entry.activity.type}: ${entry.activity.subject}`;
  switch (entry.change) {
    case 'created':
      return `${nameOf(entry.by)} created ${entry.dealTitle}`;
    case 'moved':
      return `${nameOf(entry.by)} moved ${entry.dealTitle} from ${stageName(entry.fromStageId)} to ${stageName(entry.toStageId)}`;
    case 'next-action-set':
      return `${nameOf(entry.by)} set the next action: ${entry.nextAction?.summary ?? ''}`;
    case 'won':
      return `${nameOf(entry.by)} won ${entry.dealTitle}`;
    case 'lost':
      return `${nameOf(entry.by)} lost ${entry.dealTitle}${entry.reason ? ` (${entry.reason})` : ''}`;
    case 'reopened':
      return `${nameOf(entry.by)} reopened ${entry.dealTitle}`;
    case 'quote-created':
      return `${nameOf(entry.by)} made quote ${quoteLabel(entry)}`;
    case 'quote-sent':
      return `${nameOf(entry.by)} sent quote ${quoteLabel(entry)}${entry.quote?.sentTo ? ` to ${entry.quote.sentTo}` : ''}`;
    case 'quote-accepted':
      return `${nameOf(entry.by)} recorded quote ${quoteLabel(entry)} as accepted`;
    case 'quote-declined':
      return `${nameOf(entry.by)} recorded quote ${quoteLabel(entry)} as declined${entry.reason ? ` (${entry.reason})` : ''}`;
  }
}

/** The interaction history of a deal, contact or company, newest first. */
export function Timeline({ entity, id }: { entity: 'deals' | 'contacts' | 'companies'; id: string }) {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const pipelines = usePipelines();
  const stages = new Map((pipelines.data ?? []).flatMap((p) => p.stages.map((s) => [s.id, s.name] as const)));
  const stageName = (stageId: string | undefined) =>
    stageId ? (stages.get(stageId) ?? 'a removed stage') : 'no stage';
  // newest first, a page at a time: "Older" reads the next page with the API's cursor
  const timeline = useInfiniteQuery({
    queryKey: ['timeline', id],
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: ApiPage<Entry>) => last.nextCursor ?? undefined,
    queryFn: ({ pageParam }): Promise<ApiPage<Entry>> => {
      const params = {
        params: { path: { id }, query: { limit: 25, ...(pageParam ? { cursor: pageParam } : {}) } },
      };
      if (entity === 'deals') return answer(client.GET('/deals/{id}/timeline', params));
      if (entity === 'contacts') return answer(client.GET('/contacts/{id}/timeline', params));
      return answer(client.GET('/companies/{id}/timeline', params));
    },
  });
  const entries = (timeline.data?.pages ?? []).flatMap((p) => p.items);
  return (
    <section aria-labelledby={`timeline-${id}`}>
      <h3 id={`timeline-${id}`}>Timeline</h3>
      <ProblemAlert error={timeline.error} loading="the timeline" onRetry={() => void timeline.refetch()} />
      <ol className="timeline">
        {entries.map((entry) => (
          <li key={`${entry.at}-${entry.kind === 'activity' ? entry.activity.id : entry.change}`}>
            <time dateTime={entry.at}>{dateTime(entry.at)}</time>{' '}
            {entry.kind === 'activity' && entry.activity.email ? (
              <EmailEntry activity={entry.activity} />
            ) : (
              describe(entry, nameOf, stageName)
            )}
          </li>
        ))}
      </ol>
      {timeline.isSuccess && entries.length === 0 && <p className="muted">Nothing yet.</p>}
      {timeline.hasNextPage && (
        <p>
          <button
            type="button"
            className="link"
            onClick={() => void timeline.fetchNextPage()}
            disabled={timeline.isFetchingNextPage}
          >
            {timeline.isFetchingNextPage ? 'Reading older entries…' : 'Older entries'}
          </button>
        </p>
      )}
    </section>
  );
}
