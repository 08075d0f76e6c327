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
import { CompanyPicker } from '../ui/pickers.js';
import { RecordEditForm, useRecordEdit } from '../ui/record-edit.js';
import { WithCustomFields } from '../ui/WithCustomFields.js';

type Contact = Schemas['Contact'];
type ContactPatch = paths['/contacts/{id}']['patch']['requestBody']['content']['application/json'];

const LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  emails: 'Emails',
  phones: 'Phones',
  title: 'Job title',
  companyId: 'Company',
  tags: 'Tags',
  notes: 'Notes',
};

/** One per line: the emails or phones a contact has. */
export const linesOf = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function ContactEditForm({ contact, onDone }: { contact: Contact; onDone: () => void }) {
  return (
    <WithCustomFields entity="contact">
      {(fields) => <ContactFields contact={contact} onDone={onDone} fields={fields} />}
    </WithCustomFields>
  );
}

function ContactFields({
  contact,
  onDone,
  fields,
}: {
  contact: Contact;
  onDone: () => void;
  fields: CustomFieldDefinition[];
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const edit = useRecordEdit<Contact, ContactPatch>({
    record: contact,
    toForm: (c) => ({
      firstName: c.firstName,
      lastName: c.lastName ?? '',
      emails: c.emails.join('\n'),
      phones: c.phones.join('\n'),
      title: c.title ?? '',
      companyId: c.companyId ?? '',
      tags: c.tags.join(', '),
      notes: c.notes ?? '',
      ...customFieldsToForm(fields, c.customFields),
    }),
    patchOf: (v: FormValues, mine, base) => {
      const patch: Record<string, unknown> = {};
      if (mine.has('firstName')) patch.firstName = v.firstName!.trim();
      for (const key of ['lastName', 'title', 'companyId', 'notes'])
        if (mine.has(key)) patch[key] = v[key]!.trim() || null;
      if (mine.has('emails')) patch.emails = linesOf(v.emails!);
      if (mine.has('phones')) patch.phones = linesOf(v.phones!);
      if (mine.has('tags')) patch.tags = tagsOf(v.tags!);
      const customFields = customFieldsFromForm(fields, v, base);
      if (customFields) patch.customFields = customFields;
      return patch as ContactPatch;
    },
    send: (body, version) =>
      answer(
        client.PATCH('/contacts/{id}', {
          params: { path: { id: contact.id }, header: ifMatch(version) },
          body,
        }),
      ),
    onSaved: (saved) => {
      queryClient.setQueryData(['contact', contact.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onDone();
    },
  });
  const { draft, problem, input } = edit;
  const labelOf = labelOfField(LABELS, fields);
  return (
    <RecordEditForm edit={edit} label="Edit the contact" labelOf={labelOf} onCancel={onDone}>
      <div className="row">
        <Field label="First name" path="firstName" problem={problem} required>
          {(p) => <input {...p} type="text" {...input('firstName')} />}
        </Field>
        <Field label="Last name" path="lastName" problem={problem}>
          {(p) => <input {...p} type="text" {...input('lastName')} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Emails" path="emails" kind="email" problem={problem} hint="One per line">
          {(p) => <textarea {...p} rows={2} {...input('emails')} />}
        </Field>
        <Field label="Phones" path="phones" problem={problem} hint="One per line">
          {(p) => <textarea {...p} rows={2} {...input('phones')} />}
        </Field>
      </div>
      <div className="row">
        <Field label="Job title" path="title" problem={problem}>
          {(p) => <input {...p} type="text" {...input('title')} />}
        </Field>
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
      </div>
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
