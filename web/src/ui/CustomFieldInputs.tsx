import type { ApiProblem } from '../api/client.js';
import type { CustomFieldDefinition } from '../api/custom-fields.js';
import { Field } from './Field.js';

// A record's custom fields as inputs, one per definition and of its type, in the definitions'
// order; a required one is marked and the API's refusal of it is said under it.

interface CustomFieldInputsProps {
  fields: CustomFieldDefinition[];
  values: Record<string, string>;
  set: (name: string, value: string) => void;
  problem: ApiProblem | null;
  disabled?: boolean;
}

export function CustomFieldInputs({
  fields,
  values,
  set,
  problem,
  disabled = false,
}: CustomFieldInputsProps) {
  if (fields.length === 0) return null;
  return (
    <fieldset className="custom-fields">
      <legend>More about it</legend>
      {fields.map((f) => (
        <CustomFieldInput
          key={f.key}
          field={f}
          values={values}
          set={set}
          problem={problem}
          disabled={disabled}
        />
      ))}
    </fieldset>
  );
}

function CustomFieldInput({
  field: f,
  values,
  set,
  problem,
  disabled,
}: {
  field: CustomFieldDefinition;
  values: Record<string, string>;
  set: (name: string, value: string) => void;
  problem: ApiProblem | null;
  disabled: boolean;
}) {
  const name = `customFields.${f.key}`;
  const value = values[name] ?? '';
  const common = {
    disabled,
    value,
    onChange: (e: { target: { value: string } }) => set(name, e.target.value),
  };
  switch (f.type) {
    case 'boolean':
      return (
        <Field label={f.label} path={name} problem={problem} kind="choice" required={f.required}>
          {(p) => (
            <select {...p} {...common}>
              <option value="">not set</option>
              <option value="true">yes</option>
              <option value="false">no</option>
            </select>
          )}
        </Field>
      );
    case 'select':
      return (
        <Field label={f.label} path={name} problem={problem} kind="choice" required={f.required}>
          {(p) => (
            <select {...p} {...common}>
              <option value="">{f.required ? 'choose one' : 'none'}</option>
              {(f.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case 'multi-select': {
      const chosen = new Set(value.split('\n').filter(Boolean));
      const toggle = (option: string, on: boolean) => {
        const next = (f.options ?? []).filter((o) => (o === option ? on : chosen.has(o)));
        set(name, next.join('\n'));
      };
      const errors = problem?.fieldErrors(name) ?? [];
      return (
        <fieldset className="choices" data-custom-field={f.key} aria-invalid={errors.length > 0}>
          <legend>
            {f.label}
            {f.required && <span aria-hidden="true"> *</span>}
          </legend>
          {(f.options ?? []).map((o) => (
            <label key={o} className="inline">
              <input
                type="checkbox"
                checked={chosen.has(o)}
                disabled={disabled}
                onChange={(e) => toggle(o, e.target.checked)}
              />{' '}
              {o}
            </label>
          ))}
          {errors.length > 0 && (
            <ul className="field-errors" data-field-error={name}>
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
        </fieldset>
      );
    }
    case 'money':
      return (
        <div className="row">
          <Field label={f.label} path={name} problem={problem} kind="money" required={f.required}>
            {(p) => (
              <input
                {...p}
                name={`${name}.amount`}
                type="number"
                step="any"
                inputMode="decimal"
                disabled={disabled}
                value={values[`${name}.amount`] ?? ''}
                onChange={(e) => set(`${name}.amount`, e.target.value)}
              />
            )}
          </Field>
          <Field label={`${f.label} currency`} path={`${name}.currency`} problem={problem} kind="currency">
            {(p) => (
              <input
                {...p}
                type="text"
                maxLength={3}
                size={4}
                disabled={disabled}
                value={values[`${name}.currency`] ?? 'EUR'}
                onChange={(e) => set(`${name}.currency`, e.target.value)}
              />
            )}
          </Field>
        </div>
      );
    default: {
      const type = { text: 'text', number: 'number', date: 'date', url: 'url', email: 'email' }[f.type];
      const kind =
        f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : f.type === 'email' ? 'email' : 'text';
      return (
        <Field label={f.label} path={name} problem={problem} kind={kind} required={f.required}>
          {(p) => <input {...p} {...common} type={type} {...(f.type === 'number' ? { step: 'any' } : {})} />}
        </Field>
      );
    }
  }
}
