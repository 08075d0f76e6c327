import { type CursorPages, PAGE_SIZES } from '../api/paging.js';

interface PagerProps {
  /** What is paged, for the navigation's name: "Pages of contacts". */
  what: string;
  /** The list's pages (useCursorPages). */
  pages: Pick<CursorPages<unknown>, 'page' | 'hasPrevious' | 'hasNext' | 'previous' | 'next'> & {
    query: { isFetching: boolean };
  };
  size?: number;
  onSize?: (size: number) => void;
}

/** Previous and next over the API's cursors, and the page size. */
export function Pager({ what, pages, size, onSize }: PagerProps) {
  const { page, hasPrevious, hasNext, previous: onPrevious, next: onNext } = pages;
  const loading = pages.query.isFetching;
  if (!hasPrevious && !hasNext && !onSize) return null;
  return (
    <nav className="pager" aria-label={`Pages of ${what}`}>
      <button type="button" className="quiet" onClick={onPrevious} disabled={!hasPrevious || loading}>
        ← Previous
      </button>
      <span aria-live="polite">Page {page}</span>
      <button type="button" className="quiet" onClick={onNext} disabled={!hasNext || loading}>
        Next →
      </button>
      {onSize && size !== undefined && (
        <label>
          Per page{' '}
          <select value={size} onChange={(e) => onSize(Number(e.target.value))}>
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      )}
    </nav>
  );
}
