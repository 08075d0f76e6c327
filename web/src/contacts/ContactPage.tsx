import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { fullName } from '../api/records.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { EmailComposer } from '../email/EmailComposer.js';
import { Attachments } from '../ui/Attachments.js';
import { CustomFieldValues } from '../ui/CustomFieldValues.js';
import { Fact } from '../ui/Fact.js';
import { MergeForm } from '../ui/MergeForm.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { CompanyLink } from '../ui/record-links.js';
import { Timeline } from '../ui/Timeline.js';
import { ContactEditForm } from './ContactEditForm.js';

export function ContactPage({ id }: { id: string }) {
  const { client } = useSession();
  const { editCrm, manage } = useAbilities();
  const [editing, setEditing] = useState(false);
  const contact = useQuery({
    queryKey: ['contact', id],
    queryFn: () => answer(client.GET('/contacts/{id}', { params: { path: { id } } })),
  });
  // a record on screen stays when reading it again fails (RefreshFailed says so)
  if (contact.isError && !contact.data)
    return (
      <ProblemAlert error={contact.error} loading="the contact" onRetry={() => void contact.refetch()} />
    );
  if (!contact.data) return <p aria-busy="true">Loading…</p>;
  const c = contact.data;
  return (
    <div>
      <p>
        <Link href="/contacts">← Contacts</Link>
      </p>
      <h1>{fullName(c)}</h1>
      <RefreshFailed query={contact} what="the contact" />
      {editing ? (
        <ContactEditForm contact={c} onDone={() => setEditing(false)} />
      ) : (
        <dl className="facts">
          <Fact term="Email">{c.emails.join(', ') || '–'}</Fact>
          <Fact term="Phone">{c.phones.join(', ') || '–'}</Fact>
          <Fact term="Job title">{c.title ?? '–'}</Fact>
          <Fact term="Company">{c.companyId ? <CompanyLink id={c.companyId} /> : '–'}</Fact>
          <Fact term="Tags">{c.tags.length ? c.tags.join(', ') : '–'}</Fact>
          {c.notes && <Fact term="Notes">{c.notes}</Fact>}
          <CustomFieldValues entity="contact" values={c.customFields} />
        </dl>
      )}
      {editCrm && !editing && (
        <p>
          <button type="button" onClick={() => setEditing(true)}>
            Edit the contact
          </button>
        </p>
      )}
      {manage && <MergeForm kind="contacts" id={c.id} version={c.version} />}
      <Attachments parent={{ kind: 'contact', id }} editable={editCrm} />
      <EmailComposer contactId={c.id} to={c.emails.slice(0, 1)} timelineId={id} />
      <Timeline entity="contacts" id={id} />
    </div>
  );
}
