import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { CompanyOptions } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

export const fullName = (c: Pick<Schemas['Contact'], 'firstName' | 'lastName'>) =>
  [c.firstName, c.lastName].filter(Boolean).join(' ');

/** The form of a contact, new or edited; a duplicate email's 409 links to the contact that has it. */
export function ContactForm({
  contact,
  onSubmit,
  error,
  pending,
  submitLabel,
}: {
  contact?: Schemas['Contact'];
  onSubmit: (body: Schemas['NewContact']) => void;
  error: unknown;
  pending: boolean;
  submitLabel: string;
}) {
  const problem = error instanceof ApiProblem ? error : null;
  const existing = problem?.status === 409 ? problem.problem.existingContactId : undefined;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    onSubmit({
      firstName: text('firstName'),
      ...(text('lastName') ? { lastName: text('lastName') } : {}),
      emails: text('emails') ? [text('emails')] : [],
      ...(text('title') ? { title: text('title') } : {}),
      ...(text('companyId') ? { companyId: text('companyId') } : {}),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="card">
      <ProblemAlert error={error}>
        {existing && (
          <p>
            <Link href={`/contacts/${existing}`}>Open the contact with this email</Link>
          </p>
        )}
      </ProblemAlert>
      <div className="row">
        <Field label="First name" path="firstName" problem={problem}>
          {(p) => <input {...p} type="text" defaultValue={contact?.firstName} />}
        </Field>
        <Field label="Last name" path="lastName" problem={problem}>
          {(p) => <input {...p} type="text" defaultValue={contact?.lastName} />}
        </Field>
      </div>
      <Field label="Email" path="emails" problem={problem}>
        {(p) => <input {...p} type="email" defaultValue={contact?.emails[0]} />}
      </Field>
      <Field label="Job title" path="title" problem={problem}>
        {(p) => <input {...p} type="text" defaultValue={contact?.title} />}
      </Field>
      <Field label="Company" path="companyId" problem={problem}>
        {(p) => (
          <select {...p} defaultValue={contact?.companyId ?? ''}>
            <option value="">none</option>
            <CompanyOptions />
          </select>
        )}
      </Field>
      <button type="submit" disabled={pending}>
        {submitLabel}
      </button>
    </form>
  );
}

export function Contacts() {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [q, setQ] = useState('');
  const [adding, setAdding] = useState(false);
  const contacts = useQuery({
    queryKey: ['contacts', 'list', q],
    queryFn: () => answer(client.GET('/contacts', { params: { query: { limit: 50, ...(q ? { q } : {}) } } })),
  });
  const create = useMutation({
    mutationFn: (body: Schemas['NewContact']) => answer(client.POST('/contacts', { body })),
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      navigate(`/contacts/${contact.id}`);
    },
  });
  return (
    <div>
      <div className="toolbar">
        <h1>Contacts</h1>
        <label>
          Search <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
        {editCrm && (
          <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
            New contact
          </button>
        )}
      </div>
      {adding && (
        <ContactForm
          onSubmit={create.mutate}
          error={create.error}
          pending={create.isPending}
          submitLabel="Add contact"
        />
      )}
      <ProblemAlert error={contacts.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Title</th>
          </tr>
        </thead>
        <tbody>
          {(contacts.data?.items ?? []).map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/contacts/${c.id}`}>{fullName(c)}</Link>
              </td>
              <td>{c.emails.join(', ')}</td>
              <td>{c.title}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
