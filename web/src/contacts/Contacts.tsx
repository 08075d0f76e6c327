import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { customFieldsFromForm, useCustomFields } from '../api/custom-fields.js';
import { useCursorPages } from '../api/paging.js';
import { fullName } from '../api/records.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import { useDebounced } from '../ui/debounce.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { CompanyPicker } from '../ui/pickers.js';
import { linesOf } from './ContactEditForm.js';

/** A new contact; a duplicate email's 409 links to the contact that has it. Nothing typed is lost on a refusal. */
export function NewContactForm({ onCreated }: { onCreated: (contact: Schemas['Contact']) => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const custom = useCustomFields('contact');
  const [companyId, setCompanyId] = useState('');
  const [customValues, setCustomValues] = useState<Record<string, string>>({});
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const form = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: (body: Schemas['NewContact']) =>
      answer(client.POST('/contacts', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } })),
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      onCreated(contact);
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const existing = problem?.status === 409 ? problem.problem.existingContactId : undefined;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    const customFields = customFieldsFromForm(custom.fields, customValues);
    create.mutate({
      firstName: text('firstName'),
      ...(text('lastName') ? { lastName: text('lastName') } : {}),
      emails: linesOf(text('emails')),
      ...(text('title') ? { title: text('title') } : {}),
      ...(companyId ? { companyId } : {}),
      ...(customFields || custom.fields.some((f) => f.required) ? { customFields: customFields ?? {} } : {}),
    } as Schemas['NewContact']);
  };
  return (
    <form ref={form} onSubmit={submit} noValidate className="card" aria-label="New contact">
      <ProblemAlert error={create.error} verb="created" onRetry={() => submit()}>
        {existing && (
          <p>
            <Link href={`/contacts/${existing}`}>Open the contact with this email</Link>
          </p>
        )}
      </ProblemAlert>
      <div className="row">
        <Field label="First name" path="firstName" problem={problem} required>
          {(p) => <input {...p} type="text" />}
        </Field>
        <Field label="Last name" path="lastName" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
      </div>
      <Field label="Email" path="emails" kind="email" problem={problem}>
        {(p) => <input {...p} type="email" />}
      </Field>
      <Field label="Job title" path="title" problem={problem}>
        {(p) => <input {...p} type="text" />}
      </Field>
      <Field label="Company" path="companyId" kind="choice" problem={problem}>
        {(p) => <CompanyPicker field={p} value={companyId} onChange={setCompanyId} noneLabel="no company" />}
      </Field>
      <CustomFieldInputs
        fields={custom.fields}
        values={customValues}
        set={(name, value) => setCustomValues((v) => ({ ...v, [name]: value }))}
        problem={problem}
      />
      <button type="submit" disabled={create.isPending}>
        Add contact
      </button>
    </form>
  );
}

export function Contacts() {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim(), 250);
  const [size, setSize] = useState(25);
  const [adding, setAdding] = useState(false);
  // the `/` shortcut from a page without a search of its own lands here, in the search box
  const search = useRef<HTMLInputElement>(null);
  const focusAsked = params.get('focus') === 'search';
  useEffect(() => {
    if (!focusAsked) return;
    search.current?.focus();
    setParams({}, { replace: true });
  }, [focusAsked, setParams]);
  const contacts = useCursorPages({
    key: ['contacts', 'list', q],
    limit: size,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/contacts', {
          params: { query: { limit, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  return (
    <div>
      <div className="toolbar">
        <h1>Contacts</h1>
        <label>
          Search{' '}
          <input
            ref={search}
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-shortcut-search
          />
        </label>
        {editCrm && (
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            New contact
          </button>
        )}
      </div>
      {adding && <NewContactForm onCreated={(contact) => navigate(`/contacts/${contact.id}`)} />}
      <ProblemAlert
        error={contacts.query.error}
        loading="the contacts"
        onRetry={() => void contacts.query.refetch()}
      />
      <table aria-label="Contacts" aria-busy={contacts.query.isFetching}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Title</th>
          </tr>
        </thead>
        <tbody>
          {contacts.items.map((c) => (
            <tr key={c.id} data-nav-item>
              <td>
                <Link href={`/contacts/${c.id}`} data-nav-target>
                  {fullName(c)}
                </Link>
              </td>
              <td>{c.emails.join(', ')}</td>
              <td>{c.title}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager what="contacts" pages={contacts} size={size} onSize={setSize} />
    </div>
  );
}
