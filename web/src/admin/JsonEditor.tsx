import { type FormEvent, useId, useState } from 'react';
import type { ApiProblem } from '../api/client.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// Lead-routing rules and kickoff templates are nested documents (matches, assignments, tasks with
// anchors and dependencies); admins edit them as the JSON the API takes, and the API's 422 names
// each wrong field by its path. A form per field would repeat the OpenAPI document's schema.

interface JsonEditorProps {
  label: string;
  initial: unknown;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (value: unknown) => void;
}

export function JsonEditor({ label, initial, submitLabel, pending, error, onSubmit }: JsonEditorProps) {
  const id = useId();
  const [parseError, setParseError] = useState<string | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const text = String(new FormData(event.currentTarget).get('json') ?? '');
    try {
      const value: unknown = JSON.parse(text);
      setParseError(null);
      onSubmit(value);
    } catch (e) {
      setParseError(`not JSON: ${(e as Error).message}`);
    }
  };
  const problem = error as ApiProblem | null;
  return (
    <form onSubmit={submit} noValidate>
      <ProblemAlert error={parseError ? new Error(parseError) : error}>
        {problem?.problem?.errors && (
          <ul>
            {problem.problem.errors.map((e) => (
              <li key={`${e.path}:${e.message}`}>
                <code>{e.path}</code> {e.message}
              </li>
            ))}
          </ul>
        )}
      </ProblemAlert>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        name="json"
        rows={12}
        className="json"
        spellCheck={false}
        defaultValue={JSON.stringify(initial, null, 2)}
      />
      <button type="submit" disabled={pending}>
        {submitLabel}
      </button>
    </form>
  );
}
