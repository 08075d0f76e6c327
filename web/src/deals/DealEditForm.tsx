import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import {
  type CustomFieldDefinition,
  customFieldsFromForm,
  customFieldsToForm,
  useCustomFields,
} from '../api/custom-fields.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import { type FormValues, useEditDraft } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { majorFromMinor, minorFromMajor } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { CompanyPicker, ContactPicker, PersonPicker } from '../ui/pickers.js';

type Deal = Schemas['Deal'];
type DealPatch = paths['/deals/{id}']['patch']['requestBody']['content']['application/json'];

const LABELS: Record<string, string> = {
  title: 'Title',
  'value.amount': 'Value',
  'value.currency': 'Currency',
  ownerId: 'Owner',
  expectedCloseDate: 'Expected close',
  contactId: 'Contact',
  companyId: 'Company',
  leadSource: 'Lead source',
  tags: 'Tags',
};

const tagsOf = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** Edits a deal's facts: only what the person changed is sent, If-Match the version they started from. */
export function DealEditForm({ deal, onDone }: { deal: Deal; onDone: () => void }) {
  const custom = useCustomFields('deal');
  // the draft starts from the definitions: wait for them (a failed read leaves the built-in fields)
  if (custom.isPending) return <p aria-busy="true">Loading the form…</p>;
  return <DealFields deal={deal} onDone={onDone} custom={custom.fields} />;
}

function DealFields({
  deal,
  onDone,
  custom: fields,
}: {
  deal: Deal;
  onDone: () => void;
  custom: CustomFieldDefinition[];
}) {
  const { client } = useSession();
  const { manage } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const custom = { fields };
  const toForm = (d: Deal): FormValues => ({
    title: d.title,
    'value.amount': String(majorFromMinor(d.value.amount, d.value.currency)),
    'value.currency': d.value.currency,
    ownerId: d.ownerId,
    expectedCloseDate: d.expectedCloseDate ?? '',
    contactId: d.contactId ?? '',
    companyId: d.companyId ?? '',
    leadSource: d.leadSource ?? '',
    tags: d.tags.join(', '),
    ...customFieldsToForm(custom.fields, d.customFields),
  });
  const draft = useEditDraft(deal, toForm);
  const save = useMutation({
    mutationFn: ({ body, version }: { body: DealPatch; version: number }) =>
      answer(
        client.PATCH('/deals/{id}', { params: { path: { id: deal.id }, header: ifMatch(version) }, body }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', deal.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
      draft.saved(saved);
      onDone();
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;

  const patchOf = (): DealPatch => {
    const v = draft.values;
    const mine = new Set(draft.mine);
    const patch: Record<string, unknown> = {};
    if (mine.has('title')) patch.title = v.title!.trim();
    if (mine.has('value.amount') || mine.has('value.currency')) {
      const currency = v['value.currency']!.trim().toUpperCase();
      const amount = v['value.amount']!.trim();
      patch.value = {
        amount: amount === '' ? Number.NaN : minorFromMajor(Number(amount.replace(',', '.')), currency),
        currency,
      };
    }
    if (mine.has('ownerId')) patch.ownerId = v.ownerId;
    for (const key of ['expectedCloseDate', 'contactId', 'companyId', 'leadSource'] as const)
      if (mine.has(key)) patch[key] = v[key]!.trim() || null;
    if (mine.has('tags')) patch.tags = tagsOf(v.tags!);
    const customFields = customFieldsFromForm(custom.fields, v, toForm(draft.base));
    if (customFields) patch.customFields = customFields;
    return patch as DealPatch;
  };
  const send = (version: number) => {
    if (draft.mine.length === 0) {
      onDone();
      return;
    }
    save.mutate({ body: patchOf(), version });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  const input = (name: string) => ({
    value: draft.values[name] ?? '',
    onChange: (e: { target: { value: string } }) => draft.set(name, e.target.value),
  });
  const show = (name: string, value: string) => {
    if (name === 'ownerId') return nameOf(value);
    if (name === 'companyId')
      return queryClient.getQueryData<Schemas['Company']>(['company', value])?.name ?? 'another company';
    if (name === 'contactId') {
      const c = queryClient.getQueryData<Schemas['Contact']>(['contact', value]);
      return c ? [c.firstName, c.lastName].filter(Boolean).join(' ') : 'another contact';
    }
    return value;
  };
  const labelOf = (name: string) =>
    LABELS[name] ?? custom.fields.find((f) => name.startsWith(`customFields.${f.key}`))?.label ?? name;

  return (
    <form onSubmit={submit} noValidate className="card deal-edit" aria-label="Edit the deal">
      <ProblemAlert error={save.error} onRetry={() => send(draft.base.version)} />
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={labelOf}
          show={show}
          pending={save.isPending}
          onSaveMine={() => {
            draft.keepMine();
            send(deal.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <Field label="Title" path="title" problem={problem}>
        {(p) => <input {...p} type="text" {...input('title')} />}
      </Field>
      <div className="row">
        <Field label="Value" path="value.amount" kind="money" problem={problem}>
          {(p) => <input {...p} type="number" step="any" inputMode="decimal" {...input('value.amount')} />}
        </Field>
        <Field label="Currency" path="value.currency" kind="currency" problem={problem}>
          {(p) => <input {...p} type="text" maxLength={3} size={4} {...input('value.currency')} />}
        </Field>
        <Field label="Expected close" path="expectedCloseDate" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" {...input('expectedCloseDate')} />}
        </Field>
      </div>
      {manage && (
        <Field label="Owner" path="ownerId" kind="choice" problem={problem}>
          {(p) => (
            <PersonPicker
              field={p}
              value={draft.values.ownerId ?? ''}
              onChange={(id) => draft.set('ownerId', id)}
            />
          )}
        </Field>
      )}
      <div className="row">
        <Field label="Company" path="companyId" kind="choice" problem={problem}>
          {(p) => (
            <CompanyPicker
              field={p}
              value={draft.values.companyId ?? ''}
              onChange={(id) => draft.set('companyId', id)}
              noneLabel="no company"
            />
          )}
        </Field>
        <Field label="Contact" path="contactId" kind="choice" problem={problem}>
          {(p) => (
            <ContactPicker
              field={p}
              value={draft.values.contactId ?? ''}
              onChange={(id) => draft.set('contactId', id)}
              noneLabel="no contact"
            />
          )}
        </Field>
      </div>
      <div className="row">
        <Field label="Lead source" path="leadSource" problem={problem}>
          {(p) => <input {...p} type="text" {...input('leadSource')} />}
        </Field>
        <Field label="Tags" path="tags" problem={problem} hint="Separated by commas">
          {(p) => <input {...p} type="text" {...input('tags')} />}
        </Field>
      </div>
      <CustomFieldInputs fields={custom.fields} values={draft.values} set={draft.set} problem={problem} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save changes
        </button>
        <button
          type="button"
          className="quiet"
          onClick={() => {
            draft.discard();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
