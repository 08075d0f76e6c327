import { type ReactNode, useId } from 'react';
import type { ApiProblem } from '../api/client.js';
import { type FieldKind, plainFieldMessage } from './plain-message.js';

interface FieldProps {
  label: string;
  /** The field's path in the request body: the problem's errors for it are shown under it. */
  path: string;
  problem?: ApiProblem | null;
  /** What the field asks for, so a refusal is said as what to do ("Pick a date and time."). */
  kind?: FieldKind;
  /** A check made here before sending (a past date to confirm, say), shown like the API's. */
  warning?: ReactNode;
  hint?: string;
  required?: boolean;
  children: (props: {
    id: string;
    'aria-invalid': boolean;
    'aria-describedby'?: string;
    'aria-required'?: boolean;
    name: string;
  }) => ReactNode;
}

/** A labelled input with the server's errors for its path (RFC 9457 `errors`) said under it, plainly. */
export function Field({ label, path, problem, kind, warning, hint, required, children }: FieldProps) {
  const id = useId();
  const errors = [...new Set((problem?.fieldErrors(path) ?? []).map((m) => plainFieldMessage(m, kind)))];
  const describedBy = [
    hint ? `${id}-hint` : '',
    errors.length ? `${id}-errors` : '',
    warning ? `${id}-warn` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      {/* the mark sits beside the label, not in it: the field's accessible name stays its label */}
      <span className="field-head">
        <label id={`${id}-label`} htmlFor={id}>
          {label}
        </label>
        {required && (
          <span className="required-mark" aria-hidden="true">
            *
          </span>
        )}
      </span>
      {children({
        id,
        name: path,
        'aria-invalid': errors.length > 0,
        ...(required ? { 'aria-required': true } : {}),
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
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      {warning && (
        <div id={`${id}-warn`} className="field-warning">
          {warning}
        </div>
      )}
    </div>
  );
}
