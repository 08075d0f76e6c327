import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Attachments } from '../ui/Attachments.js';
import { Field } from '../ui/Field.js';
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
    const text = (name: string) => String(form.get(name) ?? '').trim();
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

export function CompanyPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const company = useQuery({
    queryKey: ['company', id],
    queryFn: () => answer(client.GET('/companies/{id}', { params: { path: { id } } })),
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
      <Attachments parent={{ kind: 'company', id }} editable={editCrm} />
      <Timeline entity="companies" id={id} />
    </div>
  );
}
