import { ApiProblem } from '../api/client.js';
import { type FieldKind, plainFieldMessage } from '../ui/plain-message.js';

// Refusals of a whole group (a rule's conditions, a round-robin's people, the task list) belong
// beside the group, not under one of its inputs: ui/Field shows a path and everything inside
// it, these show a path's own errors only. Whatever the form has no place for (a field only the
// JSON view shows) is listed in the alert with its path, so no refusal goes unsaid.

export interface PathError {
  path: string;
  message: string;
}

const errorsOf = (problem: ApiProblem | null | undefined): PathError[] =>
  problem?.status === 422 || problem?.status === 400 ? (problem.problem.errors ?? []) : [];

/**
 * The problem narrowed to one path and the fields inside it: ui/Field also shows the errors of
 * the groups around its input, which here are said once, beside their group.
 */
export function within(problem: ApiProblem | null | undefined, path: string): ApiProblem | null {
  if (!problem) return null;
  const errors = errorsOf(problem).filter((e) => e.path === path || e.path.startsWith(`${path}.`));
  return new ApiProblem(problem.status, { ...problem.problem, errors });
}

/** The errors of exactly this path (not those of the fields inside it). */
export function errorsAt(problem: ApiProblem | null | undefined, path: string): PathError[] {
  return errorsOf(problem).filter((e) => e.path === path);
}

/**
 * The errors no input shows: `shown` lists the paths whose errors the form shows, each with
 * everything inside it, and `exact` the paths shown only for themselves.
 */
export function errorsShownNowhere(
  problem: ApiProblem | null | undefined,
  shown: string[],
  exact: string[] = [],
): PathError[] {
  return errorsOf(problem).filter(
    (e) =>
      !exact.includes(e.path) &&
      !shown.some((p) => e.path === p || e.path.startsWith(`${p}.`) || p.startsWith(`${e.path}.`)),
  );
}

interface PathErrorsProps {
  problem: ApiProblem | null | undefined;
  path: string;
  kind?: FieldKind;
  id?: string;
}

/** A group's own errors, in plain words (marked like ui/Field's, `data-field-error` the path). */
export function PathErrors({ problem, path, kind, id }: PathErrorsProps) {
  const messages = [...new Set(errorsAt(problem, path).map((e) => plainFieldMessage(e.message, kind)))];
  if (messages.length === 0) return null;
  return (
    <ul className="field-errors" data-field-error={path} id={id}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** The errors listed by errorsShownNowhere, for a ProblemAlert's body. */
export function UnplacedErrors({
  errors,
  labelOf,
}: {
  errors: PathError[];
  labelOf?: (path: string) => string;
}) {
  if (errors.length === 0) return null;
  return (
    <ul>
      {errors.map((e) => (
        <li key={`${e.path}:${e.message}`}>
          {e.path ? `${labelOf?.(e.path) ?? e.path}: ` : ''}
          {plainFieldMessage(e.message)}
        </li>
      ))}
    </ul>
  );
}
