import type { Schemas } from '../api/client.js';
import { date } from '../ui/format.js';
import type { BusinessDays } from './business-days.js';

// The project against what sales promised, in words, with the gap in business days on the
// project's calendar. At risk uses the API's shortfall (the promise watcher's own count); the
// margin of a project on track is counted here the same way (the finish's working day to the
// promise's, rolled back to a working day), since the API reports only a shortfall.

type Project = Schemas['ProjectWithTasks'];

const days = (n: number) => `${n} business day${n === 1 ? '' : 's'}`;

export function PromiseStatus({ project: p, calendar }: { project: Project; calendar: BusinessDays }) {
  const { projectedFinish: finish, promisedDueDate: promise, shortfallDays, atRisk } = p.schedule;
  if (p.status === 'done' || p.status === 'cancelled' || p.status === 'on_hold') {
    const why = { done: 'Done', cancelled: 'Cancelled', on_hold: 'On hold' }[p.status];
    return (
      <p className="promise-status muted" data-promise="not-watched">
        {why}: the promise is not watched{p.status === 'on_hold' ? ' until the project resumes' : ''}.
      </p>
    );
  }
  if (!promise)
    return (
      <p className="promise-status muted" data-promise="none">
        No date was promised{finish ? `; the plan finishes ${date(finish)}` : ''}.
      </p>
    );
  if (atRisk)
    return (
      <p className="promise-status problem at-risk" data-promise="at-risk">
        <strong>At risk:</strong> the plan finishes {finish ? date(finish) : 'later'}, {days(shortfallDays)}{' '}
        after the promised {date(promise)}.
      </p>
    );
  const margin = finish ? calendar.between(finish, calendar.roll(promise, 'back')) : 0;
  return (
    <p className="promise-status on-track" data-promise="on-track">
      <strong>On track:</strong>{' '}
      {!finish
        ? `promised by ${date(promise)}.`
        : margin > 0
          ? `the plan finishes ${date(finish)}, ${days(margin)} before the promised ${date(promise)}.`
          : `the plan finishes on the promised day, ${date(promise)}.`}
    </p>
  );
}
