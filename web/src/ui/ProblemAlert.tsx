import type { ReactNode } from 'react';
import { ApiProblem } from '../api/client.js';

/** A refusal said in words: the problem's title and detail, and what to do about it. */
export function ProblemAlert({ error, children }: { error: unknown; children?: ReactNode }) {
  if (!error) return null;
  const title =
    error instanceof ApiProblem ? (error.problem.title ?? `Refused (${error.status})`) : 'Something failed';
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="problem">
      <strong>{title}</strong>
      {detail && detail !== title && <p>{detail}</p>}
      {children}
    </div>
  );
}
