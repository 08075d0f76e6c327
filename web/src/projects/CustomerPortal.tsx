import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { dateTime } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { ContactPicker } from '../ui/pickers.js';

// The project's customer portal, on the project page: the links shared with the customer's
// contacts (active, revoked, expired), a new one for the main stakeholder or another contact of
// the customer's company, and revoking one.
// A new link's URL is shown once: only its secret's hash is kept (docs/api.md, "The customer portal").

type Project = Schemas['ProjectWithTasks'];

export function CustomerPortal({ project, canShare }: { project: Project; canShare: boolean }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const urlId = useId();
  const [other, setOther] = useState('');
  const [made, setMade] = useState<{ url: string; contactName: string } | undefined>();
  const [copied, setCopied] = useState(false);
  const key = ['portal-links', project.id];
  const links = useQuery({
    queryKey: key,
    queryFn: () =>
      answer(client.GET('/projects/{id}/portal-links', { params: { path: { id: project.id } } })),
  });
  const share = useMutation({
    // one key per click: trying again after no answer cannot make a second link
    mutationFn: ({ contactId, key: idempotencyKey }: { contactId: string; key: string }) =>
      answer(
        client.POST('/projects/{id}/portal-links', {
          params: { path: { id: project.id } },
          body: { contactId },
          headers: { 'Idempotency-Key': idempotencyKey },
        }),
      ),
    onSuccess: (link) => {
      setMade({ url: link.url, contactName: link.contactName });
      setCopied(false);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) =>
      answer(
        client.DELETE('/projects/{id}/portal-links/{linkId}', {
          params: { path: { id: project.id, linkId } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const stakeholder = project.customer.mainStakeholderContactId;
  const companyId = project.customer.companyId;
  return (
    <section aria-labelledby="customer-portal">
      <h2 id="customer-portal">Customer portal</h2>
      <p className="muted">
        The customer follows the project without signing in: the promise beside the plan, the milestones, and
        the approvals assigned to them.
      </p>
      {canShare && stakeholder && (
        <button
          type="button"
          disabled={share.isPending}
          onClick={() => share.mutate({ contactId: stakeholder, key: crypto.randomUUID() })}
        >
          Share with the main stakeholder
        </button>
      )}
      {canShare && companyId && (
        <form
          className="portal-share-other"
          aria-label="Share with another contact"
          onSubmit={(e) => {
            e.preventDefault();
            if (other) share.mutate({ contactId: other, key: crypto.randomUUID() });
          }}
        >
          {/* found by name as the person types (a customer may have thousands of contacts) */}
          <Field label="Or with another contact of the customer" path="contactId" kind="choice">
            {(f) => <ContactPicker field={f} value={other} onChange={setOther} companyId={companyId} />}
          </Field>
          <button type="submit" disabled={share.isPending || !other}>
            Make their link
          </button>
        </form>
      )}
      <ProblemAlert
        error={share.error}
        verb="shared"
        onRetry={() => share.variables && share.mutate(share.variables)}
      />
      {made && (
        <div role="status" className="portal-link-made">
          <label htmlFor={urlId}>Link for {made.contactName} (shown once: copy it now)</label>
          <input id={urlId} readOnly value={made.url} onFocus={(e) => e.currentTarget.select()} />
          <button
            type="button"
            onClick={() =>
              void navigator.clipboard
                ?.writeText(made.url)
                .then(() => setCopied(true))
                .catch(() => undefined)
            }
          >
            {copied ? 'Copied' : 'Copy the link'}
          </button>
        </div>
      )}
      {links.isError && <ProblemAlert error={links.error} loading="the portal links" />}
      {links.data && links.data.items.length > 0 && (
        <table className="portal-links">
          <caption className="visually-hidden">Portal links</caption>
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Status</th>
              <th scope="col">Until</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {links.data.items.map((l) => (
              <tr key={l.id} data-link-id={l.id}>
                <td>{l.contactName}</td>
                <td>{l.status}</td>
                <td>{dateTime(l.revokedAt ?? l.expiresAt)}</td>
                <td>
                  {canShare && l.status === 'active' && (
                    <button
                      type="button"
                      className="danger"
                      disabled={revoke.isPending}
                      onClick={() => revoke.mutate(l.id)}
                      aria-label={`Revoke the link of ${l.contactName}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ProblemAlert error={revoke.error} verb="revoked" />
    </section>
  );
}
