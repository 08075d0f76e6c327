import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Attachments } from '../ui/Attachments.js';
import { MergeForm } from '../ui/MergeForm.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { Timeline } from '../ui/Timeline.js';
import { ContactForm, fullName } from './Contacts.js';

export function ContactPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => answer(client.GET('/contacts/{id}', { params: { path: { id } } })),
  });
  const save = useMutation({
    mutationFn: (body: Schemas['NewContact']) =>
      answer(
        client.PATCH('/contacts/{id}', {
          params: { path: { id }, header: ifMatch(contact.data!.version) },
          body,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['contact', id], saved);
      setEditing(false);
    },
  });
  if (contact.isError) return <ProblemAlert error={contact.error} />;
  if (!contact.data) return <p aria-busy="true">Loading…</p>;
  const c = contact.data;
  return (
    <div>
      <p>
        <Link href="/contacts">← Contacts</Link>
      </p>
      <h1>{fullName(c)}</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd>{c.emails.join(', ') || '–'}</dd>
        <dt>Phone</dt>
        <dd>{c.phones.join(', ') || '–'}</dd>
        <dt>Job title</dt>
        <dd>{c.title ?? '–'}</dd>
        {c.companyId && (
          <>
            <dt>Company</dt>
            <dd>
              <Link href={`/companies/${c.companyId}`}>open the company</Link>
            </dd>
          </>
        )}
      </dl>
      {editCrm && (
        <button type="button" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
          Edit
        </button>
      )}
      {editing && (
        <ContactForm
          contact={c}
          onSubmit={save.mutate}
          error={save.error}
          pending={save.isPending}
          submitLabel="Save"
        />
      )}
      {editCrm && <MergeForm kind="contacts" id={c.id} version={c.version} />}
      <Attachments parent={{ kind: 'contact', id }} editable={editCrm} />
      <Timeline entity="contacts" id={id} />
    </div>
  );
}
