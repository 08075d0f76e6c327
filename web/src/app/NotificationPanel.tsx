import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { answer, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { KIND, what } from '../followups/follow-up-text.js';
import { lateness } from '../ui/format.js';
import { useSession } from './session-context.js';

// The header's panel of what is late for the signed-in person: the counts the badge showed, their
// first 20 follow-ups (GET /followups) in the follow-ups page's words, and what falls due next.

interface NotificationPanelProps {
  summary: Schemas['DueSummary'] | undefined;
  permission: string;
  onAllow: () => void;
  onClose: () => void;
}

export function NotificationPanel({ summary, permission, onAllow, onClose }: NotificationPanelProps) {
  const { client, userId } = useSession();
  const { nameOf } = usePeople();
  const list = useQuery({
    queryKey: ['followups', 'panel'],
    queryFn: () => answer(client.GET('/followups', { params: { query: { limit: 20 } } })),
  });
  return (
    <section id="notification-panel" className="notification-panel" aria-label="Your follow-ups">
      <h2 className="panel-heading">Yours now</h2>
      {summary && (
        <p className="panel-note">
          {summary.lateNextActions} next actions late, {summary.overdueTasks} tasks late,{' '}
          {summary.projectsAtRisk} projects at risk
        </p>
      )}
      {list.isPending && <p aria-busy="true">Loading…</p>}
      {list.isError && <p>Could not read your follow-ups: {list.error.message}.</p>}
      {list.data && list.data.items.length === 0 && <p>Nothing of yours is late.</p>}
      {list.data && list.data.items.length > 0 && (
        <ul className="panel-list">
          {list.data.items.map((f) => {
            const { text, href } = what(f, nameOf, userId);
            return (
              <li key={`${f.kind}:${text}`}>
                <span className={`tag ${f.kind}`}>{KIND[f.kind]}</span>{' '}
                <Link href={href} onClick={() => onClose()}>
                  {text}
                </Link>{' '}
                <span className="panel-note">{lateness(f.minutesLate)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {summary?.next && (
        <p className="panel-note">
          Next due: {summary.next.title} at {new Date(summary.next.dueAt).toLocaleString()}
        </p>
      )}
      <p>
        <Link href="/followups" onClick={() => onClose()}>
          All follow-ups
        </Link>
      </p>
      {permission === 'default' && (
        <button type="button" className="link" onClick={onAllow}>
          Also remind me with desktop notices
        </button>
      )}
    </section>
  );
}
