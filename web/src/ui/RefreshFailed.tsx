import type { UseQueryResult } from '@tanstack/react-query';
import { describeLoadFailure } from './failure.js';

/**
 * A record on screen that could not be read again: it stays (and whatever is being typed over
 * it), with a line saying it may be out of date. Only a record never read replaces the page
 * with the failure.
 */
export function RefreshFailed({
  query,
  what,
}: {
  query: Pick<UseQueryResult<unknown>, 'isRefetchError' | 'error' | 'dataUpdatedAt' | 'refetch'>;
  what: string;
}) {
  if (!query.isRefetchError) return null;
  return (
    <p className="stale-note" role="status">
      {describeLoadFailure(query.error, what).title} Showing it as read at{' '}
      {new Date(query.dataUpdatedAt).toLocaleTimeString(undefined, { timeStyle: 'short' })}.{' '}
      <button type="button" className="quiet" onClick={() => void query.refetch()}>
        Refresh
      </button>
    </p>
  );
}
