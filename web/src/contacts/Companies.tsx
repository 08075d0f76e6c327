import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { customFieldsFromForm, useCustomFields } from '../api/custom-fields.js';
import { useCursorPages } from '../api/paging.js';
import { fullName } from '../api/records.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Attachments } from '../ui/Attachments.js';
import { CustomFieldInputs } from '../ui/CustomFieldInputs.js';
import { CustomFieldValues } from '../ui/CustomFieldValues.js';
import { useDebounced } from '../ui/debounce.js';
import { Fact } from '../ui/Fact.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { MergeForm } from '../ui/MergeForm.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { Timeline } from '../ui/Timeline.js';
import { CompanyEditForm } from './CompanyEditForm.js';

function NewCompanyForm() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const custom = useCustomFields('company');
  const [customValues, setCustomValues] = useState<Record<string, string>>({});
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const form = useRef<HTMLFormElement>(null);
  const create = useMutation({
    mutationFn: (body: Schemas['NewCompany']) =>
      answer(client.POST('/companies', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['companies'] });
      // only once it is saved: a refusal or no answer leaves what was typed
      form.current?.reset();
      setCustomValues({});
      setIdempotencyKey(crypto.randomUUID());
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    const customFields = customFieldsFromForm(custom.fields, customValues);
    create.mutate({
      name: text('name'),
      ...(text('domain') ? { domain: text('domain') } : {}),
      ...(customFields || custom.fields.some((f) => f.required) ? { customFields: customFields ?? {} } : {}),
    } as Schemas['NewCompany']);
  };
  return (
    <form ref={form} onSubmit={submit} noValidate className="card" aria-label="New company">
      <ProblemAlert error={create.error} verb="created" onRetry={() => submit()} />
      {create.isSuccess && <p role="status">Added {create.data.name}.</p>}
      <div className="row">
        <Field label="Company name" path="name" problem={problem} required>
          {(p) => <input {...p} type="text" />}
        </Field>
        <Field label="Domain" path="domain" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
      </div>
      <CustomFieldInputs
        fields={custom.fields}
        values={customValues}
        set={(name, value) => setCustomValues((v) => ({ ...v, [name]: value }))}
        problem={problem}
      />
      <button type="submit" disabled={create.isPending}>
        Add company
      </button>
    </form>
  );
}

export function Companies() {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim(), 250);
  const [size, setSize] = useState(25);
  const companies = useCursorPages({
    key: ['companies', 'list', q],
    limit: size,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/companies', {
          params: { query: { limit, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  return (
    <div>
      <div className="toolbar">
        <h1>Companies</h1>
        <label>
          Search{' '}
          <input
            type="search"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            data-shortcut-search
          />
        </label>
      </div>
      {editCrm && <NewCompanyForm />}
      <ProblemAlert
        error={companies.query.error}
        loading="the companies"
        onRetry={() => void companies.query.refetch()}
      />
      <ul className="plain-list" aria-busy={companies.query.isFetching}>
        {companies.items.map((c) => (
          <li key={c.id} data-nav-item>
            <Link href={`/companies/${c.id}`} data-nav-target>
              {c.name}
            </Link>{' '}
            <span className="muted">{c.domain}</span>
          </li>
        ))}
      </ul>
      <Pager what="companies" pages={companies} size={size} onSize={setSize} />
    </div>
  );
}

export function CompanyPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm, manage } = useAbilities();
  const [editing, setEditing] = useState(false);
  const company = useQuery({
    queryKey: ['company', id],
    queryFn: () => answer(client.GET('/companies/{id}', { params: { path: { id } } })),
  });
  const contacts = useCursorPages({
    key: ['contacts', 'of-company', id],
    limit: 25,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/contacts', {
          params: { query: { companyId: id, limit, ...(cursor ? { cursor } : {}) } },
        }),
      ),
  });
  // a record on screen stays when reading it again fails (RefreshFailed says so)
  if (company.isError && !company.data)
    return (
      <ProblemAlert error={company.error} loading="the company" onRetry={() => void company.refetch()} />
    );
  if (!company.data) return <p aria-busy="true">Loading…</p>;
  const c = company.data;
  return (
    <div>
      <p>
        <Link href="/companies">← Companies</Link>
      </p>
      <h1>{c.name}</h1>
      <RefreshFailed query={company} what="the company" />
      {editing ? (
        <CompanyEditForm company={c} onDone={() => setEditing(false)} />
      ) : (
        <dl className="facts">
          <Fact term="Domain">{c.domain ?? '–'}</Fact>
          <Fact term="Phone">{c.phone ?? '–'}</Fact>
          <Fact term="Address">
            {c.address
              ? [
                  c.address.street,
                  [c.address.postalCode, c.address.city].filter(Boolean).join(' '),
                  c.address.country,
                ]
                  .filter(Boolean)
                  .join(', ')
              : '–'}
          </Fact>
          <Fact term="Tags">{c.tags.length ? c.tags.join(', ') : '–'}</Fact>
          {c.notes && <Fact term="Notes">{c.notes}</Fact>}
          <CustomFieldValues entity="company" values={c.customFields} />
        </dl>
      )}
      {editCrm && !editing && (
        <p>
          <button type="button" onClick={() => setEditing(true)}>
            Edit the company
          </button>
        </p>
      )}
      <h2>Contacts</h2>
      <ProblemAlert
        error={contacts.query.error}
        loading="its contacts"
        onRetry={() => void contacts.query.refetch()}
      />
      <ul className="plain-list">
        {contacts.items.map((ct) => (
          <li key={ct.id}>
            <Link href={`/contacts/${ct.id}`}>{fullName(ct)}</Link> <span className="muted">{ct.title}</span>
          </li>
        ))}
      </ul>
      <Pager what="its contacts" pages={contacts} />
      {manage && <MergeForm kind="companies" id={id} version={c.version} />}
      <Attachments parent={{ kind: 'company', id }} editable={editCrm} />
      <Timeline entity="companies" id={id} />
    </div>
  );
}
