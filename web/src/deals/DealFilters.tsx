import type { FormEvent } from 'react';
import type { ApiProblem } from '../api/client.js';
import type { CustomFieldDefinition } from '../api/custom-fields.js';
import { usePipelines } from '../api/queries.js';
import { Field } from '../ui/Field.js';
import { PersonPicker } from '../ui/pickers.js';
import { conditionKind, type FilterDraft } from './deal-filter.js';

// The deals list's filters: every attribute GET /deals and segments take. What the API refuses
// (a reversed range, a value without its currency, a stage without its pipeline, an unknown
// custom field) is said at the input it is about.

interface DealFiltersProps {
  draft: FilterDraft;
  set: (name: string, value: string) => void;
  fields: CustomFieldDefinition[];
  problem: ApiProblem | null;
  onApply: () => void;
  onClear: () => void;
}

/** The paths of the filter's inputs: a refusal about anything else is said in the list's alert. */
export const filterPaths = (fields: CustomFieldDefinition[]) =>
  new Set([
    'ownerId',
    'pipelineId',
    'stageId',
    'status',
    'expectedCloseFrom',
    'expectedCloseTo',
    'valueMin',
    'valueMax',
    'currency',
    'tags',
    'leadSource',
    ...fields.map((f) => `customFields.${f.key}`),
  ]);

export function DealFilters({ draft, set, fields, problem, onApply, onClear }: DealFiltersProps) {
  const pipelines = usePipelines();
  const pipeline = pipelines.data?.find((p) => p.id === draft.pipelineId);
  const text = (name: string) => ({
    value: draft[name] ?? '',
    onChange: (e: { target: { value: string } }) => set(name, e.target.value),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply();
  };
  return (
    <form className="card filters" aria-label="Filters" onSubmit={submit} noValidate>
      <div className="filter-grid">
        <Field label="Owner" path="ownerId" kind="choice" problem={problem}>
          {(p) => (
            <PersonPicker
              field={p}
              value={draft.ownerId ?? ''}
              onChange={(id) => set('ownerId', id)}
              noneLabel="anyone"
              activeOnly={false}
            />
          )}
        </Field>
        <Field label="Pipeline" path="pipelineId" kind="choice" problem={problem}>
          {(p) => (
            <select
              {...p}
              value={draft.pipelineId ?? ''}
              onChange={(e) => {
                set('pipelineId', e.target.value);
                set('stageId', '');
              }}
            >
              <option value="">any pipeline</option>
              {(pipelines.data ?? []).map((pl) => (
                <option key={pl.id} value={pl.id}>
                  {pl.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Stage"
          path="stageId"
          kind="choice"
          problem={problem}
          {...(pipeline ? {} : { hint: 'Choose a pipeline first.' })}
        >
          {(p) => (
            <select {...p} {...text('stageId')} disabled={!pipeline && !draft.stageId}>
              <option value="">any stage</option>
              {pipeline?.stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status" path="status" kind="choice" problem={problem}>
          {(p) => (
            <select {...p} {...text('status')}>
              <option value="">open, won or lost</option>
              <option value="open">open</option>
              <option value="won">won</option>
              <option value="lost">lost</option>
            </select>
          )}
        </Field>
        <Field label="Closing from" path="expectedCloseFrom" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" {...text('expectedCloseFrom')} />}
        </Field>
        <Field label="Closing by" path="expectedCloseTo" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" {...text('expectedCloseTo')} />}
        </Field>
        <Field label="Value at least" path="valueMin" kind="money" problem={problem}>
          {(p) => <input {...p} type="text" inputMode="decimal" {...text('valueMin')} />}
        </Field>
        <Field label="Value at most" path="valueMax" kind="money" problem={problem}>
          {(p) => <input {...p} type="text" inputMode="decimal" {...text('valueMax')} />}
        </Field>
        <Field
          label="Currency"
          path="currency"
          kind="currency"
          problem={problem}
          hint="Needed with a value range."
        >
          {(p) => <input {...p} type="text" maxLength={3} size={4} {...text('currency')} />}
        </Field>
        <Field label="Tags" path="tags" problem={problem} hint="Several, separated by commas: any of them.">
          {(p) => <input {...p} type="text" {...text('tags')} />}
        </Field>
        <Field label="Lead source" path="leadSource" problem={problem}>
          {(p) => <input {...p} type="text" {...text('leadSource')} />}
        </Field>
        {fields.map((f) => (
          <CustomFilter key={f.key} field={f} draft={draft} set={set} problem={problem} />
        ))}
      </div>
      <div className="actions">
        <button type="submit">Apply filters</button>
        <button type="button" className="quiet" onClick={onClear}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

function CustomFilter({
  field: f,
  draft,
  set,
  problem,
}: {
  field: CustomFieldDefinition;
  draft: FilterDraft;
  set: (name: string, value: string) => void;
  problem: ApiProblem | null;
}) {
  const name = `customFields.${f.key}`;
  switch (conditionKind(f)) {
    case 'value':
      return (
        <Field label={f.label} path={name} problem={problem}>
          {(p) => (
            <input {...p} type="text" value={draft[name] ?? ''} onChange={(e) => set(name, e.target.value)} />
          )}
        </Field>
      );
    case 'boolean':
      return (
        <Field label={f.label} path={name} kind="choice" problem={problem}>
          {(p) => (
            <select {...p} value={draft[name] ?? ''} onChange={(e) => set(name, e.target.value)}>
              <option value="">either</option>
              <option value="true">yes</option>
              <option value="false">no</option>
            </select>
          )}
        </Field>
      );
    case 'options': {
      const chosen = new Set((draft[name] ?? '').split('\n').filter(Boolean));
      const errors = problem?.fieldErrors(name) ?? [];
      return (
        <fieldset className="choices" aria-invalid={errors.length > 0}>
          <legend>{f.label} (any of)</legend>
          {(f.options ?? []).map((o) => (
            <label key={o} className="inline">
              <input
                type="checkbox"
                checked={chosen.has(o)}
                onChange={(e) =>
                  set(
                    name,
                    (f.options ?? []).filter((x) => (x === o ? e.target.checked : chosen.has(x))).join('\n'),
                  )
                }
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
    case 'range': {
      const type = f.type === 'date' ? 'date' : 'text';
      return (
        <div className="row">
          <Field
            label={`${f.label} from`}
            path={name}
            kind={f.type === 'date' ? 'date' : 'number'}
            problem={problem}
          >
            {(p) => (
              <input
                {...p}
                type={type}
                value={draft[`${name}.min`] ?? ''}
                onChange={(e) => set(`${name}.min`, e.target.value)}
              />
            )}
          </Field>
          <Field label={`${f.label} to`} path={`${name}.max`} kind={f.type === 'date' ? 'date' : 'number'}>
            {(p) => (
              <input
                {...p}
                type={type}
                value={draft[`${name}.max`] ?? ''}
                onChange={(e) => set(`${name}.max`, e.target.value)}
              />
            )}
          </Field>
        </div>
      );
    }
    default:
      return null;
  }
}
