import { type ReactNode, useId } from 'react';
import type { ApiProblem } from '../api/client.js';
import { Field } from '../ui/Field.js';
import { PersonPicker } from '../ui/pickers.js';
import type { FieldKind } from '../ui/plain-message.js';
import { errorsAt, PathErrors, within } from './PathErrors.js';

// Lists inside a settings document (a rule's lead sources, a round-robin's people, a field's
// options): one input per item, each with its own path for the API's errors (`….leadSources.1`),
// and an empty one after the last that becomes a new item as soon as something is typed or
// chosen in it, so nothing typed waits on an "add" button the person might not press.

interface GroupProps {
  legend: string;
  /** The group's path: its own errors (not its inputs') are said under the legend. */
  path: string;
  problem: ApiProblem | null;
  kind?: FieldKind;
  className?: string;
  children: ReactNode;
}

/** A fieldset whose own refusals (`rules.0.match`: "match by lead source or domain") it says. */
export function Group({ legend, path, problem, kind, className, children }: GroupProps) {
  const id = useId();
  const invalid = errorsAt(problem, path).length > 0;
  return (
    <fieldset className={className} {...(invalid ? { 'aria-describedby': `${id}-errors` } : {})}>
      <legend>{legend}</legend>
      <PathErrors problem={problem} path={path} id={`${id}-errors`} {...(kind ? { kind } : {})} />
      {children}
    </fieldset>
  );
}

interface ListProps {
  legend: string;
  /** One item's label, numbered: "Lead source" → "Lead source 1". */
  itemLabel: string;
  path: string;
  values: string[];
  onChange: (values: string[]) => void;
  problem: ApiProblem | null;
  hint?: string;
}

const replaced = (values: string[], i: number, value: string) => values.map((v, j) => (j === i ? value : v));
const without = (values: string[], i: number) => values.filter((_, j) => j !== i);

/** Texts, one input each; an item emptied and left is removed. */
export function TextList({
  legend,
  itemLabel,
  path,
  values,
  onChange,
  problem,
  hint,
  placeholder,
}: ListProps & { placeholder?: string }) {
  const n = values.length;
  return (
    <Group legend={legend} path={path} problem={problem} className="list-field">
      {hint && <p className="hint muted">{hint}</p>}
      <ol className="list-items">
        {[...values, ''].map((value, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an item is its place in the list (its path)
          <li key={i}>
            <Field
              label={`${itemLabel} ${i + 1}`}
              path={`${path}.${i}`}
              problem={within(problem, `${path}.${i}`)}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  value={value}
                  placeholder={i === n ? (placeholder ?? 'add one') : undefined}
                  onChange={(e) =>
                    onChange(i === n ? [...values, e.target.value] : replaced(values, i, e.target.value))
                  }
                  onBlur={() => {
                    if (i < n && values[i]!.trim() === '') onChange(without(values, i));
                  }}
                />
              )}
            </Field>
            {i < n && (
              <button
                type="button"
                className="quiet"
                aria-label={`Remove ${itemLabel.toLowerCase()} ${i + 1}`}
                onClick={() => onChange(without(values, i))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ol>
    </Group>
  );
}

/** People from the team, one picker each; the one after the last adds a person. */
export function PersonList({ legend, itemLabel, path, values, onChange, problem, hint }: ListProps) {
  const n = values.length;
  return (
    <Group legend={legend} path={path} problem={problem} kind="choice" className="list-field">
      {hint && <p className="hint muted">{hint}</p>}
      <ol className="list-items">
        {[...values, ''].map((value, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an item is its place in the list (its path)
          <li key={i}>
            <Field
              label={i < n ? `${itemLabel} ${i + 1}` : `Add a ${itemLabel.toLowerCase()}`}
              path={`${path}.${i}`}
              kind="choice"
              problem={within(problem, `${path}.${i}`)}
            >
              {(p) => (
                <PersonPicker
                  field={p}
                  value={value}
                  onChange={(id) => {
                    if (!id) return;
                    onChange(i === n ? [...values, id] : replaced(values, i, id));
                  }}
                />
              )}
            </Field>
            {i < n && (
              <button
                type="button"
                className="quiet"
                aria-label={`Remove ${itemLabel.toLowerCase()} ${i + 1}`}
                onClick={() => onChange(without(values, i))}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ol>
    </Group>
  );
}
