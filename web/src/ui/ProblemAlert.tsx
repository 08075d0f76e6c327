import type { ReactNode } from 'react';
import { describeFailure, describeLoadFailure } from './failure.js';

interface ProblemAlertProps {
  error: unknown;
  /** What was tried, as a past participle: "Not moved: …". Default: saved. */
  verb?: string;
  /** For a failed read: "Could not load the deal: …" (instead of `verb`). */
  loading?: string;
  /** Offered when trying again as it is can work (no answer, a busy or failing server). */
  onRetry?: () => void;
  children?: ReactNode;
}

/** A failure said in words: what did not happen, why, and what to do (describeFailure). */
export function ProblemAlert({ error, verb, loading, onRetry, children }: ProblemAlertProps) {
  if (!error) return null;
  const failure = loading ? describeLoadFailure(error, loading) : describeFailure(error, verb);
  return (
    <div role="alert" className="problem">
      <strong>{failure.title}</strong>
      {failure.detail && <p>{failure.detail}</p>}
      {children}
      {onRetry && failure.retryable && (
        <p>
          <button type="button" onClick={onRetry}>
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
