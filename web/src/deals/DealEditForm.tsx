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
import { fullName } from '../api/records.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import type { FormValues } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { majorFromMinor, minorFromTyped } from '../ui/format.js';
import { CompanyPicker, ContactPicker, PersonPicker } from '../ui/pickers.js';
import { RecordEditForm, useRecordEdit } from '../ui/record-edit.js';
import { WithCustomFields } from '../ui/WithCustomFields.js';

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

export const tagsOf = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** Edits a deal's facts: only what the person changed is sent, If-Match the version they started from. */
export function DealEditForm({ deal, onDone }: { deal: Deal; onDone: () => void }) {
  return (
    <WithCustomFields entity="deal">
      {(fields) => <DealFields deal={deal} onDone={onDone} fields={fields} />}
    </WithCustomFields>
  );
}

function DealFields({
  deal,
  onDone,
  fields,
}: {
  deal: Deal;
  onDone: () => void;
  fields: CustomFieldDefinition[];
}) {
  const { client } = useSession();
  const { manage } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const edit = useRecordEdit<Deal, DealPatch>({
    record: deal,
    toForm: (d) => ({
      title: d.title,
      'value.amount': String(majorFromMinor(d.value.amount, d.value.currency)),
      'value.currency': d.value.currency,
      ownerId: d.ownerId,
      expectedCloseDate: d.expectedCloseDate ?? '',
      contactId: d.contactId ?? '',
      companyId: d.companyId ?? '',
      leadSource: d.leadSource ?? '',
      tags: d.tags.join(', '),
      ...customFieldsToForm(fields, d.customFields),
    }),
    patchOf: (v: FormValues, mine, base) => {
      const patch: Record<string, unknown> = {};
      if (mine.has('title')) patch.title = v.title!.trim();
      if (mine.has('value.amount') || mine.has('value.currency')) {
        const currency = v['value.currency']!.trim().toUpperCase();
        const amount = v['value.amount']!.trim();
        patch.value = {
          amount: minorFromTyped(amount, currency),
          currency,
        };
      }
      if (mine.has('ownerId')) patch.ownerId = v.ownerId;
      for (const key of ['expectedCloseDate', 'contactId', 'companyId', 'leadSource'])
        if (mine.has(key)) patch[key] = v[key]!.trim() || null;
      if (mine.has('tags')) patch.tags = tagsOf(v.tags!);
      const customFields = customFieldsFromForm(fields, v, base);
      if (customFields) patch.customFields = customFields;
      return patch as DealPatch;
    },
    send: (body, version) =>
      answer(
        client.PATCH('/deals/{id}', { params: { path: { id: deal.id }, header: ifMatch(version) }, body }),
      ),
    onSaved: (saved) => {
      queryClient.setQueryData(['deal', deal.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
      onDone();
    },
  });
  const { draft, problem, input } = edit;
  const show = (name: string, value: string) => {
    if (name === 'ownerId') return nameOf(value);
    if (name === 'companyId')
      return queryClient.getQueryData<Schemas['Company']>(['company', value])?.name ?? 'another company';
    if (name === 'contactId') {
      const c = queryClient.getQueryData<Schemas['Contact']>(['contact', value]);
      return c ? fullName(c) : 'another contact';
    }
    return value;
  };
  const labelOf = labelOfField(LABELS, fields);

  return (
    <RecordEditForm edit={edit} label="Edit the deal" labelOf={labelOf} show={show} onCancel={onDone}>
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
      <CustomFieldInputs fields={fields} values={draft.values} set={draft.set} problem={problem} />
    </RecordEditForm>
  );
}
