import { type ReactNode, useId } from 'react';
import type { ApiProblem } from '../api/client.js';

interface FieldProps {
  label: string;
  /** The field's path in the request body: the problem's errors for it are shown under it. */
  path: string;
  problem?: ApiProblem | null;
  hint?: string;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
    name: string;
  }) => ReactNode;
}

/** A labelled input with the server's errors for its path (RFC 9457 `errors`) said under it. */
export function Field({ label, path, problem, hint, children }: FieldProps) {
  const id = useId();
  const errors = problem?.fieldErrors(path) ?? [];
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-errors` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        name: path,
        'aria-invalid': errors.length > 0,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {errors.length > 0 && (
        <ul id={`${id}-errors`} className="field-errors" data-field-error={path}>
          {errors.map((e) => (
            <li key={e}>
              {label} {e}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
