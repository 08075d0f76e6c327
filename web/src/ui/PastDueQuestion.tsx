import type { usePastDueCheck } from './past-due.js';

/** The past-date question under a due field: confirm (and save) or pick another date. */
export function PastDueQuestion({
  check,
  onConfirm,
}: {
  check: ReturnType<typeof usePastDueCheck>;
  onConfirm: () => void;
}) {
  if (!check.question) return null;
  return (
    <p role="alert" className="past-due">
      {check.question}{' '}
      <button
        type="button"
        onClick={() => {
          check.confirm();
          onConfirm();
        }}
      >
        Yes, save with this date
      </button>
    </p>
  );
}
