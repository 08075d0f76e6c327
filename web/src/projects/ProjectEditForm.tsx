import { useQueryClient } from '@tanstack/react-query';
import type { paths } from '../../../clients/typescript/index.js';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import {
  type CustomFieldDefinition,
  customFieldsFromForm,
  customFieldsToForm,
  labelOfField,
} from '../api/custom-fields.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import type { FormValues } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { date, majorFromMinor, minorFromTyped } from '../ui/format.js';
import { PersonPicker } from '../ui/pickers.js';
import { RecordEditForm, useRecordEdit } from '../ui/record-edit.js';
import { WithCustomFields } from '../ui/WithCustomFields.js';

type Project = Schemas['Project'];
type ProjectPatch = paths['/projects/{id}']['patch']['requestBody']['content']['application/json'];

const LABELS: Record<string, string> = {
  name: 'Name',
  ownerId: 'Delivery owner',
  kickoffDate: 'Kickoff',
  promisedDueDate: 'Promised by',
  'budget.hours': 'Budget (hours)',
  'budget.amount.amount': 'Budget (amount)',
  'budget.amount.currency': 'Budget currency',
  'hourlyRate.amount': 'Hourly rate',
  'hourlyRate.currency': 'Rate currency',
};

const amountOf = (money: { amount: number; currency: string } | undefined) =>
  money ? String(majorFromMinor(money.amount, money.currency)) : '';

/** Edits a project's own facts: only what the person changed is sent, If-Match the version they started from. */
export function ProjectEditForm({
  project,
  onChanging,
  onDone,
}: {
  project: Project;
  /** Called before a save that can move the plan (a new kickoff or promise), so the page can say what moved. */
  onChanging: () => void;
  onDone: () => void;
}) {
  return (
    <WithCustomFields entity="project">
      {(fields) => (
        <ProjectFields project={project} onChanging={onChanging} onDone={onDone} fields={fields} />
      )}
    </WithCustomFields>
  );
}

function ProjectFields({
  project,
  onChanging,
  onDone,
  fields,
}: {
  project: Project;
  onChanging: () => void;
  onDone: () => void;
  fields: CustomFieldDefinition[];
}) {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const toForm = (p: Project): FormValues => {
    const currency = p.budget?.amount?.currency ?? p.hourlyRate?.currency ?? 'EUR';
    return {
      name: p.name,
      ownerId: p.ownerId,
      kickoffDate: p.kickoffDate,
      promisedDueDate: p.promisedDueDate ?? '',
      'budget.hours': p.budget?.hours === undefined ? '' : String(p.budget.hours),
      'budget.amount.amount': amountOf(p.budget?.amount),
      'budget.amount.currency': p.budget?.amount?.currency ?? currency,
      'hourlyRate.amount': amountOf(p.hourlyRate),
      'hourlyRate.currency': p.hourlyRate?.currency ?? currency,
      ...customFieldsToForm(fields, p.customFields),
    };
  };
  const edit = useRecordEdit<Project, ProjectPatch>({
    record: project,
    toForm,
    patchOf: (v, mine, base) => {
      const patch: Record<string, unknown> = {};
      if (mine.has('name')) patch.name = v.name!.trim();
      if (mine.has('ownerId')) patch.ownerId = v.ownerId;
      if (mine.has('kickoffDate')) patch.kickoffDate = v.kickoffDate;
      if (mine.has('promisedDueDate')) patch.promisedDueDate = v.promisedDueDate || null;
      if ([...mine].some((k) => k.startsWith('budget.'))) {
        const hours = v['budget.hours']!.trim();
        const amount = v['budget.amount.amount']!.trim();
        const currency = v['budget.amount.currency']!.trim().toUpperCase();
        patch.budget =
          hours === '' && amount === ''
            ? null
            : {
                ...(hours === '' ? {} : { hours: Number(hours.replace(',', '.')) }),
                ...(amount === '' ? {} : { amount: { amount: minorFromTyped(amount, currency), currency } }),
              };
      }
      if (mine.has('hourlyRate.amount') || mine.has('hourlyRate.currency')) {
        const amount = v['hourlyRate.amount']!.trim();
        const currency = v['hourlyRate.currency']!.trim().toUpperCase();
        patch.hourlyRate = amount === '' ? null : { amount: minorFromTyped(amount, currency), currency };
      }
      const customFields = customFieldsFromForm(fields, v, base);
      if (customFields) patch.customFields = customFields;
      return patch as ProjectPatch;
    },
    send: (body, version) => {
      // a new kickoff or promise can move the plan: the page remembers the dates before it
      if (body.kickoffDate || body.promisedDueDate !== undefined) onChanging();
      return answer(
        client.PATCH('/projects/{id}', {
          params: { path: { id: project.id }, header: ifMatch(version) },
          body,
        }),
      );
    },
    onSaved: () => {
      // the answer is the project without its tasks: the page reads it again, with them
      void queryClient.invalidateQueries({ queryKey: ['project', project.id] });
      void queryClient.invalidateQueries({ queryKey: ['schedule', project.id] });
      void queryClient.invalidateQueries({ queryKey: ['projects'] });
      onDone();
    },
  });
  const { draft, problem, input } = edit;
  const show = (name: string, value: string) => {
    if (name === 'ownerId') return nameOf(value);
    if (name === 'kickoffDate' || name === 'promisedDueDate') return date(value);
    return value;
  };
  const labelOf = labelOfField(LABELS, fields);

  return (
    <RecordEditForm edit={edit} label="Edit the project" labelOf={labelOf} show={show} onCancel={onDone}>
      <Field label="Name" path="name" problem={problem} required>
        {(p) => <input {...p} type="text" {...input('name')} />}
      </Field>
      <Field label="Delivery owner" path="ownerId" kind="choice" problem={problem} required>
        {(p) => (
          <PersonPicker
            field={p}
            value={draft.values.ownerId ?? ''}
            onChange={(id) => draft.set('ownerId', id)}
          />
        )}
      </Field>
      <div className="row">
        <Field
          label="Kickoff"
          path="kickoffDate"
          kind="date"
          problem={problem}
          required
          hint="A new kickoff schedules every task again"
        >
          {(p) => <input {...p} type="date" {...input('kickoffDate')} />}
        </Field>
        <Field label="Promised by" path="promisedDueDate" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" {...input('promisedDueDate')} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Budget (hours)" path="budget.hours" kind="number" problem={problem}>
          {(p) => (
            <input {...p} type="number" min="0" step="any" inputMode="decimal" {...input('budget.hours')} />
          )}
        </Field>
        <Field label="Budget (amount)" path="budget.amount.amount" kind="money" problem={problem}>
          {(p) => (
            <input
              {...p}
              type="number"
              min="0"
              step="any"
              inputMode="decimal"
              {...input('budget.amount.amount')}
            />
          )}
        </Field>
        <Field label="Budget currency" path="budget.amount.currency" kind="currency" problem={problem}>
          {(p) => <input {...p} type="text" maxLength={3} size={4} {...input('budget.amount.currency')} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Hourly rate" path="hourlyRate.amount" kind="money" problem={problem}>
          {(p) => (
            <input
              {...p}
              type="number"
              min="0"
              step="any"
              inputMode="decimal"
              {...input('hourlyRate.amount')}
            />
          )}
        </Field>
        <Field label="Rate currency" path="hourlyRate.currency" kind="currency" problem={problem}>
          {(p) => <input {...p} type="text" maxLength={3} size={4} {...input('hourlyRate.currency')} />}
        </Field>
      </div>
      <CustomFieldInputs fields={fields} values={draft.values} set={draft.set} problem={problem} />
    </RecordEditForm>
  );
}
