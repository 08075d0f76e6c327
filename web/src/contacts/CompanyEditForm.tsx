import { useQueryClient } from '@tanstack/react-query';
import type { paths } from '../../../clients/typescript/index.js';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import {
  type CustomFieldDefinition,
  customFieldsFromForm,
  customFieldsToForm,
  labelOfField,
} from '../api/custom-fields.js';
import { useSession } from '../app/session-context.js';
import { tagsOf } from '../deals/DealEditForm.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import type { FormValues } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { RecordEditForm, useRecordEdit } from '../ui/record-edit.js';
import { WithCustomFields } from '../ui/WithCustomFields.js';

type Company = Schemas['Company'];
type CompanyPatch = paths['/companies/{id}']['patch']['requestBody']['content']['application/json'];

const ADDRESS = ['street', 'postalCode', 'city', 'region', 'country'] as const;
const LABELS: Record<string, string> = {
  name: 'Name',
  domain: 'Domain',
  phone: 'Phone',
  tags: 'Tags',
  notes: 'Notes',
  'address.street': 'Street',
  'address.postalCode': 'Postal code',
  'address.city': 'City',
  'address.region': 'Region',
  'address.country': 'Country',
};

export function CompanyEditForm({ company, onDone }: { company: Company; onDone: () => void }) {
  return (
    <WithCustomFields entity="company">
      {(fields) => <CompanyFields company={company} onDone={onDone} fields={fields} />}
    </WithCustomFields>
  );
}

function CompanyFields({
  company,
  onDone,
  fields,
}: {
  company: Company;
  onDone: () => void;
  fields: CustomFieldDefinition[];
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const edit = useRecordEdit<Company, CompanyPatch>({
    record: company,
    toForm: (c) => ({
      name: c.name,
      domain: c.domain ?? '',
      phone: c.phone ?? '',
      tags: c.tags.join(', '),
      notes: c.notes ?? '',
      ...Object.fromEntries(ADDRESS.map((k) => [`address.${k}`, c.address?.[k] ?? ''])),
      ...customFieldsToForm(fields, c.customFields),
    }),
    patchOf: (v: FormValues, mine, base) => {
      const patch: Record<string, unknown> = {};
      if (mine.has('name')) patch.name = v.name!.trim();
      for (const key of ['domain', 'phone', 'notes']) if (mine.has(key)) patch[key] = v[key]!.trim() || null;
      if (mine.has('tags')) patch.tags = tagsOf(v.tags!);
      if (ADDRESS.some((k) => mine.has(`address.${k}`))) {
        const address = Object.fromEntries(
          ADDRESS.map((k) => [k, v[`address.${k}`]!.trim()]).filter(([, value]) => value !== ''),
        );
        patch.address = Object.keys(address).length ? address : null;
      }
      const customFields = customFieldsFromForm(fields, v, base);
      if (customFields) patch.customFields = customFields;
      return patch as CompanyPatch;
    },
    send: (body, version) =>
      answer(
        client.PATCH('/companies/{id}', {
          params: { path: { id: company.id }, header: ifMatch(version) },
          body,
        }),
      ),
    onSaved: (saved) => {
      queryClient.setQueryData(['company', company.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['companies'] });
      onDone();
    },
  });
  const { draft, problem, input } = edit;
  const labelOf = labelOfField(LABELS, fields);
  return (
    <RecordEditForm edit={edit} label="Edit the company" labelOf={labelOf} onCancel={onDone}>
      <div className="row">
        <Field label="Name" path="name" problem={problem} required>
          {(p) => <input {...p} type="text" {...input('name')} />}
        </Field>
        <Field label="Domain" path="domain" problem={problem}>
          {(p) => <input {...p} type="text" {...input('domain')} />}
        </Field>
        <Field label="Phone" path="phone" problem={problem}>
          {(p) => <input {...p} type="tel" {...input('phone')} />}
        </Field>
      </div>
      <fieldset>
        <legend>Address</legend>
        <div className="row">
          {ADDRESS.map((k) => (
            <Field key={k} label={LABELS[`address.${k}`]!} path={`address.${k}`} problem={problem}>
              {(p) => (
                <input
                  {...p}
                  type="text"
                  {...input(`address.${k}`)}
                  {...(k === 'country' ? { maxLength: 2, size: 3, placeholder: 'DE' } : {})}
                />
              )}
            </Field>
          ))}
        </div>
      </fieldset>
      <Field label="Tags" path="tags" problem={problem} hint="Separated by commas">
        {(p) => <input {...p} type="text" {...input('tags')} />}
      </Field>
      <Field label="Notes" path="notes" problem={problem}>
        {(p) => <textarea {...p} rows={3} {...input('notes')} />}
      </Field>
      <CustomFieldInputs fields={fields} values={draft.values} set={draft.set} problem={problem} />
    </RecordEditForm>
  );
}
