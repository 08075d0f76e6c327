import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Attachments } from '../ui/Attachments.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { MergeForm } from '../ui/MergeForm.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { Timeline } from '../ui/Timeline.js';

export function Companies() {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const companies = useQuery({
    queryKey: ['companies', 'list', q],
    queryFn: () =>
      answer(client.GET('/companies', { params: { query: { limit: 50, ...(q ? { q } : {}) } } })),
  });
  const create = useMutation({
    mutationFn: (body: Schemas['NewCompany']) => answer(client.POST('/companies', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['companies'] }),
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    create.mutate({ name: text('name'), ...(text('domain') ? { domain: text('domain') } : {}) });
    event.currentTarget.reset();
  };
  return (
    <div>
      <div className="toolbar">
        <h1>Companies</h1>
        <label>
          Search <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
      </div>
      {editCrm && (
        <form onSubmit={submit} noValidate className="card row">
          <ProblemAlert error={create.error} />
          <Field label="Company name" path="name" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
          <Field label="Domain" path="domain" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Add company
          </button>
        </form>
      )}
      <ProblemAlert error={companies.error} />
      <ul className="plain-list">
        {(companies.data?.items ?? []).map((c) => (
          <li key={c.id}>
            <Link href={`/companies/${c.id}`}>{c.name}</Link> <span className="muted">{c.domain}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function CompanyEdit({ company }: { company: Schemas['Company'] }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: { name: string; domain: string | null; phone: string | null }) =>
      answer(
        client.PATCH('/companies/{id}', {
          params: { path: { id: company.id }, header: ifMatch(company.version) },
          body,
        }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(['company', company.id], saved),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    save.mutate({ name: text('name'), domain: text('domain') || null, phone: text('phone') || null });
  };
  return (
    <form onSubmit={submit} noValidate className="card row" key={company.version}>
      <ProblemAlert error={save.error} />
      <Field label="Name" path="name" problem={problem}>
        {(p) => <input {...p} type="text" defaultValue={company.name} />}
      </Field>
      <Field label="Domain" path="domain" problem={problem}>
        {(p) => <input {...p} type="text" defaultValue={company.domain} />}
      </Field>
      <Field label="Phone" path="phone" problem={problem}>
        {(p) => <input {...p} type="tel" defaultValue={company.phone} />}
      </Field>
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
    </form>
  );
}

export function CompanyPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const company = useQuery({
    queryKey: ['company', id],
    queryFn: () => answer(client.GET('/companies/{id}', { params: { path: { id } } })),
  });
  const contacts = useQuery({
    queryKey: ['contacts', 'of-company', id],
    queryFn: () => answer(client.GET('/contacts', { params: { query: { companyId: id, limit: 100 } } })),
  });
  if (company.isError) return <ProblemAlert error={company.error} />;
  if (!company.data) return <p aria-busy="true">Loading…</p>;
  return (
    <div>
      <p>
        <Link href="/companies">← Companies</Link>
      </p>
      <h1>{company.data.name}</h1>
      <p className="muted">{company.data.domain}</p>
      {editCrm && <CompanyEdit company={company.data} />}
      <h2>Contacts</h2>
      <ul className="plain-list">
        {(contacts.data?.items ?? []).map((c) => (
          <li key={c.id}>
            <Link href={`/contacts/${c.id}`}>{[c.firstName, c.lastName].filter(Boolean).join(' ')}</Link>{' '}
            <span className="muted">{c.title}</span>
          </li>
        ))}
      </ul>
      {editCrm && <MergeForm kind="companies" id={id} version={company.data.version} />}
      <Attachments parent={{ kind: 'company', id }} editable={editCrm} />
      <Timeline entity="companies" id={id} />
    </div>
  );
}
