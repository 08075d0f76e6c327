import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { useCursorPages } from '../api/paging.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { dateTime } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// Webhooks (docs/api.md, "Webhooks"): where Handoff POSTs events, signed. An admin adds an
// endpoint and copies its signing secret, shown once; sees each delivery with every attempt and
// what the receiver answered; resends one, sends a test, rotates the secret, disables or deletes.

type Endpoint = Schemas['WebhookEndpoint'];
type Delivery = Schemas['WebhookDelivery'];

const ENDPOINTS = ['webhook-endpoints'] as const;

function useEndpoints() {
  const { client } = useSession();
  return useQuery({
    queryKey: ENDPOINTS,
    queryFn: () => answer(client.GET('/webhook-endpoints', { params: { query: { limit: 100 } } })),
  });
}

/** The events field: names separated by commas or spaces; "*" (or nothing typed) is every event. */
const eventsFrom = (typed: string) => {
  const names = typed.split(/[\s,]+/).filter(Boolean);
  return names.length === 0 ? ['*'] : names;
};

export function Webhooks() {
  const endpoints = useEndpoints();
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  return (
    <div className="card webhooks-admin">
      <p className="muted">
        Each event is POSTed to the endpoints that name it, signed by the Standard Webhooks specification
        (verify it with the <code>standardwebhooks</code> library and the endpoint's secret). A failed
        delivery is tried again for more than three days; an endpoint that fails all that time is disabled,
        and admins are told.
      </p>
      {secret && <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />}
      {!endpoints.data ? (
        <ProblemAlert
          error={endpoints.error}
          loading="the webhook endpoints"
          onRetry={() => void endpoints.refetch()}
        />
      ) : (
        <>
          {endpoints.data.items.length === 0 && <p className="muted">No webhook endpoints yet.</p>}
          <ul className="plain-list webhook-endpoints">
            {endpoints.data.items.map((e) => (
              <EndpointItem key={e.id} endpoint={e} onSecret={(s) => setSecret({ url: e.url, secret: s })} />
            ))}
          </ul>
        </>
      )}
      <NewEndpointForm onCreated={(url, s) => setSecret({ url, secret: s })} />
    </div>
  );
}

/** The secret as the API answers it: once. It is not shown again after "Done". */
function SecretOnce({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  return (
    <section className="secret-once" aria-labelledby="secret-once-title" role="status">
      <h3 id="secret-once-title">Signing secret for {url}</h3>
      <p>Copy it now and keep it where your receiver verifies signatures: Handoff does not show it again.</p>
      <p>
        <code data-webhook-secret>{secret}</code>
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function NewEndpointForm({ onCreated }: { onCreated: (url: string, secret: string) => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ url: '', events: '', description: '' });
  const create = useMutation({
    mutationFn: () =>
      answer(
        client.POST('/webhook-endpoints', {
          body: {
            url: form.url.trim(),
            events: eventsFrom(form.events),
            ...(form.description.trim() ? { description: form.description.trim() } : {}),
          },
        }),
      ),
    onSuccess: (made) => {
      // the form is cleared only once saved: nothing typed is lost on a refusal
      setForm({ url: '', events: '', description: '' });
      onCreated(made.url, made.secret);
      void queryClient.invalidateQueries({ queryKey: ENDPOINTS });
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="new-webhook-title">
      <h3 id="new-webhook-title">Add an endpoint</h3>
      <ProblemAlert error={create.error} verb="added" onRetry={() => create.mutate()} />
      <Field label="URL" path="url" problem={problem} required hint="https:// on a public address">
        {(props) => (
          <input
            {...props}
            type="url"
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
            placeholder="https://hooks.example.com/handoff"
          />
        )}
      </Field>
      <Field
        label="Events"
        path="events"
        problem={problem}
        hint="Event names from the event catalog, separated by commas (DealClosedWon, ProjectCreated); empty or * for every event"
      >
        {(props) => (
          <input
            {...props}
            value={form.events}
            onChange={(e) => setForm({ ...form, events: e.target.value })}
          />
        )}
      </Field>
      <Field label="Description" path="description" problem={problem}>
        {(props) => (
          <input
            {...props}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        )}
      </Field>
      <button type="submit" disabled={create.isPending}>
        Add endpoint
      </button>
    </form>
  );
}

function EndpointItem({ endpoint, onSecret }: { endpoint: Endpoint; onSecret: (secret: string) => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const path = { params: { path: { id: endpoint.id } } };
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ENDPOINTS });
  const headers = { 'If-Match': `"${endpoint.version}"` };
  const toggle = useMutation({
    mutationFn: () =>
      answer(
        client.PATCH('/webhook-endpoints/{id}', {
          ...path,
          headers,
          body: { status: endpoint.status === 'enabled' ? 'disabled' : 'enabled' },
        }),
      ),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => answer(client.POST('/webhook-endpoints/{id}/rotate-secret', { ...path, headers })),
    onSuccess: (rotated) => onSecret(rotated.secret),
    onSettled: refresh,
  });
  const test = useMutation({
    mutationFn: () => answer(client.POST('/webhook-endpoints/{id}/test', path)),
    onSuccess: () => {
      setOpen(true);
      // the test travels through the bus: its delivery shows in a moment
      setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', endpoint.id] }),
        1500,
      );
    },
  });
  const remove = useMutation({
    mutationFn: () => answer(client.DELETE('/webhook-endpoints/{id}', { ...path, headers })),
    onSettled: refresh,
  });
  const why =
    endpoint.disabled?.reason === 'failing'
      ? 'Handoff stopped sending to it: every delivery failed for over three days. Fix the receiver, enable it, then replay what it missed.'
      : endpoint.disabled?.reason === 'gone'
        ? 'Handoff stopped sending to it: it answered 410 Gone.'
        : endpoint.disabled
          ? 'Disabled by an admin.'
          : null;
  return (
    <li data-webhook-endpoint={endpoint.id}>
      <div className="row">
        <span>
          <strong>{endpoint.url}</strong>{' '}
          <span className={`badge ${endpoint.status}`}>{endpoint.status}</span>
          <br />
          <span className="muted">
            {endpoint.events.includes('*') ? 'every event' : endpoint.events.join(', ')}
            {endpoint.description ? ` · ${endpoint.description}` : ''}
            {endpoint.failingSince ? ` · failing since ${dateTime(endpoint.failingSince)}` : ''}
          </span>
        </span>
      </div>
      {why && <p className="muted">{why}</p>}
      {[toggle, rotate, test, remove].map((m, i) => (
        <ProblemAlert key={String(i)} error={m.error} verb={['changed', 'rotated', 'sent', 'deleted'][i]} />
      ))}
      <div className="actions">
        <button type="button" onClick={() => setOpen(!open)} aria-expanded={open}>
          {open ? 'Hide deliveries' : 'Deliveries'}
        </button>
        <button type="button" className="quiet" onClick={() => test.mutate()} disabled={test.isPending}>
          Send a test
        </button>
        <button type="button" className="quiet" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
          {endpoint.status === 'enabled' ? 'Disable' : 'Enable'}
        </button>
        <button type="button" className="quiet" onClick={() => rotate.mutate()} disabled={rotate.isPending}>
          Rotate secret
        </button>
        {confirmDelete ? (
          <>
            <button
              type="button"
              className="danger"
              onClick={() => remove.mutate()}
              disabled={remove.isPending}
            >
              Delete it: nothing more is sent
            </button>
            <button type="button" className="quiet" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" className="quiet" onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {open && <Deliveries endpointId={endpoint.id} />}
    </li>
  );
}

const STATUSES = [
  { value: '', label: 'all' },
  { value: 'pending', label: 'being sent' },
  { value: 'delivered', label: 'delivered' },
  { value: 'failed', label: 'failed' },
] as const;

function Deliveries({ endpointId }: { endpointId: string }) {
  const { client } = useSession();
  const [status, setStatus] = useState<'' | 'pending' | 'delivered' | 'failed'>('');
  const pages = useCursorPages<Delivery>({
    key: ['webhook-deliveries', endpointId, status],
    limit: 25,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/webhook-endpoints/{id}/deliveries', {
          params: {
            path: { id: endpointId },
            query: { limit, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) },
          },
        }),
      ),
  });
  return (
    <section className="webhook-deliveries" aria-label="Deliveries">
      <label>
        Show{' '}
        <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <ProblemAlert
        error={pages.query.error}
        loading="the deliveries"
        onRetry={() => void pages.query.refetch()}
      />
      {pages.query.isSuccess && pages.items.length === 0 && <p className="muted">No deliveries.</p>}
      <ul className="plain-list">
        {pages.items.map((d) => (
          <DeliveryItem key={d.id} endpointId={endpointId} delivery={d} />
        ))}
      </ul>
      <Pager what="deliveries" pages={pages} />
    </section>
  );
}

function DeliveryItem({ endpointId, delivery }: { endpointId: string; delivery: Delivery }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const resend = useMutation({
    mutationFn: () =>
      answer(
        client.POST('/webhook-endpoints/{id}/deliveries/{deliveryId}/resend', {
          params: { path: { id: endpointId, deliveryId: delivery.id } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', endpointId] });
      // the resend travels through the bus: its attempt shows in a moment
      setTimeout(
        () => void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', endpointId] }),
        1500,
      );
    },
  });
  const last = delivery.attempts.at(-1);
  return (
    <li data-webhook-delivery={delivery.id}>
      <details>
        <summary>
          <strong>{delivery.eventType}</strong>{' '}
          <span className={`badge ${delivery.status}`}>{delivery.status}</span>{' '}
          <span className="muted">
            {dateTime(delivery.occurredAt)} · {delivery.attemptCount} attempt(s)
            {last ? ` · last: ${last.statusCode ?? 'no answer'}${last.error ? ` (${last.error})` : ''}` : ''}
            {delivery.status === 'pending' && delivery.nextAttemptAt
              ? ` · next ${dateTime(delivery.nextAttemptAt)}`
              : ''}
          </span>
        </summary>
        <p className="muted">
          webhook-id <code>{delivery.id}</code>
          {delivery.reason ? ` · ${delivery.reason}` : ''}
        </p>
        <table className="attempts">
          <caption className="visually-hidden">Attempts of {delivery.id}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Answer</th>
              <th scope="col">Time</th>
              <th scope="col">What it said</th>
            </tr>
          </thead>
          <tbody>
            {delivery.attempts.map((a) => (
              <tr key={`${a.round}-${a.number}`}>
                <td>{dateTime(a.at)}</td>
                <td>{a.statusCode ?? a.error}</td>
                <td>{a.latencyMs} ms</td>
                <td>
                  <code>{a.response ?? a.error ?? ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <ProblemAlert error={resend.error} verb="resent" />
      {delivery.status !== 'pending' && (
        <button type="button" className="quiet" onClick={() => resend.mutate()} disabled={resend.isPending}>
          Resend {delivery.eventType}
        </button>
      )}
    </li>
  );
}
