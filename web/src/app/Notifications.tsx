import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from './session-context.js';

// What needs the signed-in person, in the header: a badge with how many of their next actions
// and tasks are late and projects at risk (GET /followups/summary: one read of their due list,
// not the team's follow-ups), a panel listing them (GET /followups), and a reminder when the next
// of them falls due while the console is open. The summary names when that is, so the console
// sets one timer for it rather than asking again and again; the reminder is a notice in the page
// (it does not take the focus), and a desktop notice too when the person allowed those.

// the panel (the list and its words) loads when first opened: the header carries only the badge
const NotificationPanel = lazy(() =>
  import('./NotificationPanel.js').then((m) => ({ default: m.NotificationPanel })),
);

type Summary = Schemas['DueSummary'];
type Due = NonNullable<Summary['next']>;

/** setTimeout's longest delay; a due time further away is waited for in steps. */
const LONGEST_TIMER = 2_147_483_647;
/** The browser's clock can run a little ahead of the API's: ask again shortly after a due time. */
const SETTLE_MS = 5_000;

export const summaryKey = ['followups', 'summary'] as const;

function hrefOf(due: Due): string {
  switch (due.kind) {
    case 'overdue-next-action':
      return `/deals/${due.recordId}`;
    case 'overdue-task':
      return `/projects/${due.projectId}?task=${due.recordId}`;
    case 'project-at-risk':
      return `/projects/${due.recordId}`;
    default:
      return '/followups';
  }
}

const DUE_NOW: Record<Due['kind'], string> = {
  'overdue-next-action': 'Next action due now',
  'overdue-activity': 'Task due now',
  'overdue-task': 'Task due now',
  'project-at-risk': 'Promise at risk',
};

function desktopNotice(due: Due) {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(`${DUE_NOW[due.kind]}: ${due.title}`, {
      body: due.summary ?? '',
      tag: `${due.kind}:${due.recordId}`,
    });
  } catch {
    // some browsers allow desktop notices only from a service worker: the page's notice is enough
  }
}

export function Notifications() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reminders, setReminders] = useState<Due[]>([]);
  const announced = useRef(new Set<string>());
  const [permission, setPermission] = useState(() =>
    typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  );
  const summary = useQuery({
    queryKey: summaryKey,
    queryFn: () => answer(client.GET('/followups/summary')),
    staleTime: 30_000,
  });

  // any change the person makes may change what is late for them (a next action done, a deal
  // won or handed over): the summary is read again after each (one small read)
  useEffect(
    () =>
      queryClient.getMutationCache().subscribe((event) => {
        if (event.type === 'updated' && event.action.type === 'success')
          void queryClient.invalidateQueries({ queryKey: ['followups'] });
      }),
    [queryClient],
  );

  // one timer, for what falls due next
  const next = summary.data?.next ?? null;
  useEffect(() => {
    if (!next) return;
    const id = `${next.kind}:${next.recordId}:${next.dueAt}`;
    const wait = Date.parse(next.dueAt) - Date.now();
    const fire = () => {
      if (!announced.current.has(id)) {
        announced.current.add(id);
        setReminders((shown) => [...shown.filter((r) => r.recordId !== next.recordId), next]);
        desktopNotice(next);
      }
      void queryClient.invalidateQueries({ queryKey: ['followups'] });
    };
    if (wait <= 0) {
      // already due by this browser's clock, not yet by the API's: ask again in a moment
      const timer = setTimeout(fire, announced.current.has(id) ? SETTLE_MS : 0);
      return () => clearTimeout(timer);
    }
    const timer =
      wait > LONGEST_TIMER
        ? setTimeout(() => void queryClient.invalidateQueries({ queryKey: summaryKey }), LONGEST_TIMER)
        : setTimeout(fire, wait);
    return () => clearTimeout(timer);
  }, [next, queryClient]);

  const total = summary.data?.total ?? 0;
  // the name starts with what the button shows ("Late 3"), then says what is late
  const label = summary.data
    ? `Late ${total}: ${summary.data.lateNextActions} next actions, ${summary.data.overdueTasks} tasks, ${summary.data.projectsAtRisk} projects at risk`
    : 'Late: your follow-ups';
  const allow = async () => setPermission(await Notification.requestPermission());
  return (
    <div className="notifications">
      <button
        type="button"
        className="quiet badge-button"
        aria-expanded={open}
        aria-controls="notification-panel"
        aria-label={label}
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">Late</span>{' '}
        <span className={total > 0 ? 'badge late' : 'badge'} aria-hidden="true" data-testid="late-count">
          {summary.data ? total : '…'}
        </span>
      </button>
      {open && (
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <NotificationPanel
            summary={summary.data}
            permission={permission}
            onAllow={() => void allow()}
            onClose={() => setOpen(false)}
          />
        </Suspense>
      )}
      <div className="reminders" role="status" aria-live="polite">
        {reminders.map((r) => (
          <div className="reminder" key={`${r.kind}:${r.recordId}`}>
            <strong>{DUE_NOW[r.kind]}:</strong>{' '}
            <Link href={hrefOf(r)} onClick={() => setReminders((shown) => shown.filter((s) => s !== r))}>
              {r.title}
            </Link>
            {r.summary && <span> — {r.summary}</span>}{' '}
            <button
              type="button"
              className="link"
              aria-label={`Dismiss the reminder about ${r.title}`}
              onClick={() => setReminders((shown) => shown.filter((s) => s !== r))}
            >
              Dismiss
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}
