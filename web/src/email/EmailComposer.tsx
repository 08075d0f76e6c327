import { type InfiniteData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import type { ApiPage } from '../api/paging.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// Writing an email on a deal's or a contact's page: it goes out through SES from your address
// with the capture address in BCC (the deal's own address, on a deal's page), and lands on the
// timelines once captured, a moment later (this form watches for it). What was typed stays until
// the email is accepted: a refusal, or no answer, leaves the form as it was; a retry carries the
// same Idempotency-Key, so an email whose answer was lost is not sent twice.

type Entry = Schemas['TimelineEntry'];

const addresses = (text: string) =>
  text
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/** Where mail is captured: the address to BCC, and this deal's own. */
export function CaptureAddresses({ dealId }: { dealId?: string }) {
  const { client } = useSession();
  const settings = useQuery({
    queryKey: ['email-capture'],
    queryFn: () => answer(client.GET('/email-capture')),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const s = settings.data;
  if (!s?.enabled || !s.address) return null;
  return (
    <p className="muted">
      Mail you send is logged when you BCC <code>{s.address}</code>
      {dealId && s.domain && (
        <>
          ; anyone’s mail to <code>{`deal-${dealId}@${s.domain}`}</code> lands on this deal
        </>
      )}
      .
    </p>
  );
}

export function EmailComposer({
  dealId,
  contactId,
  to,
  timelineId,
}: {
  dealId?: string;
  contactId?: string;
  /** Who it is to, to begin with (the deal's contact, the contact). */
  to: string[];
  /** The timeline to watch for it. */
  timelineId: string;
}) {
  const { client } = useSession();
  const { editCrm } = useAbilities();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [waiting, setWaiting] = useState<{ emailId: string; subject: string } | null>(null);
  const [logged, setLogged] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (body: Schemas['NewEmail']) =>
      answer(client.POST('/emails', { body, params: { header: { 'Idempotency-Key': key } } })),
    onSuccess: (sent, body) => {
      form.current?.reset();
      setKey(crypto.randomUUID());
      setLogged(null);
      setWaiting({ emailId: sent.emailId, subject: body.subject });
    },
  });
  // the email is logged when its BCC copy has been captured: read the timeline until it is there
  useEffect(() => {
    if (!waiting) return;
    let tries = 0;
    const timer = setInterval(async () => {
      tries++;
      await queryClient.invalidateQueries({ queryKey: ['timeline', timelineId] });
      const data = queryClient.getQueryData<InfiniteData<ApiPage<Entry>>>(['timeline', timelineId]);
      const found = (data?.pages ?? [])
        .flatMap((p) => p.items)
        .some((e) => e.kind === 'activity' && e.activity.email?.emailId === waiting.emailId);
      if (found || tries >= 30) {
        clearInterval(timer);
        setLogged(found ? waiting.subject : null);
        setWaiting(null);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [waiting, queryClient, timelineId]);
  if (!editCrm) return null;
  const problem = send.error instanceof ApiProblem ? send.error : null;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    send.mutate({
      to: addresses(text('to')),
      cc: addresses(text('cc')),
      subject: text('subject'),
      text: text('text'),
      ...(dealId ? { dealId } : {}),
      ...(contactId ? { contactId } : {}),
    } as Schemas['NewEmail']);
  };
  if (!open)
    return (
      <div className="email-compose">
        {/* the addresses below the button: they appear when their read answers, and above it they
            moved the button from under a click that was on its way (a fresh-clone run's test) */}
        <p>
          <button type="button" onClick={() => setOpen(true)}>
            Write an email
          </button>
        </p>
        <CaptureAddresses {...(dealId ? { dealId } : {})} />
        {waiting && <p aria-live="polite">Sent. It appears on the timeline once logged…</p>}
        {logged && <p aria-live="polite">“{logged}” is on the timeline.</p>}
      </div>
    );
  return (
    <form ref={form} onSubmit={submit} noValidate className="card email-compose" aria-labelledby="email-form">
      <h3 id="email-form">Write an email</h3>
      <CaptureAddresses {...(dealId ? { dealId } : {})} />
      <ProblemAlert error={send.error} verb="sent" onRetry={() => submit()} />
      <Field label="To" path="to" problem={problem} hint="Addresses, separated by commas" required>
        {(p) => <input {...p} type="text" defaultValue={to.join(', ')} />}
      </Field>
      <Field label="Cc" path="cc" problem={problem}>
        {(p) => <input {...p} type="text" />}
      </Field>
      <Field label="Subject" path="subject" problem={problem} required>
        {(p) => <input {...p} type="text" />}
      </Field>
      <Field label="Message" path="text" problem={problem} required>
        {(p) => <textarea {...p} rows={8} />}
      </Field>
      {problem?.fieldErrors('from').map((m) => (
        <p key={m} className="field-errors">
          {m}
        </p>
      ))}
      <div className="actions">
        <button type="submit" disabled={send.isPending}>
          {send.isPending ? 'Sending…' : 'Send'}
        </button>
        <button type="button" className="quiet" onClick={() => setOpen(false)}>
          Close
        </button>
      </div>
      {waiting && <p aria-live="polite">Sent. It appears on the timeline once logged…</p>}
      {logged && <p aria-live="polite">“{logged}” is on the timeline.</p>}
    </form>
  );
}
