import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Dialog } from '../ui/Dialog.js';
import { dateTime } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { sanitizeEmailHtml } from './sanitize.js';

// A thread, opened from an email's timeline entry: its emails in the order they were written,
// each with who wrote to whom, its files, and its body: the text, or the HTML sanitized (no
// script, no remote image: sanitize.ts). Loaded only when a thread is opened.

type Email = Schemas['Email'];
type Address = Schemas['MailAddress'];

const person = (a: Address) => (a.name ? `${a.name} <${a.address}>` : a.address);
const people = (list: Address[]) => list.map(person).join(', ');

function EmailBody({ email }: { email: Email }) {
  const html = email.html && !email.htmlTruncated ? email.html : undefined;
  const [plain, setPlain] = useState(!html);
  const safe = useMemo(() => (html ? sanitizeEmailHtml(html) : undefined), [html]);
  return (
    <div className="email-body">
      {safe && (
        <p className="muted">
          {safe.remoteImages > 0 &&
            `${safe.remoteImages} remote image${safe.remoteImages === 1 ? '' : 's'} not loaded (they can tell the sender it was read). `}
          <button type="button" className="link" onClick={() => setPlain(!plain)}>
            {plain ? 'Show as formatted' : 'Show plain text'}
          </button>
        </p>
      )}
      {plain || !safe ? (
        <pre className="email-text">{email.text ?? email.snippet}</pre>
      ) : (
        // sanitized above: DOMPurify took out every script, handler, frame, form and remote image
        // biome-ignore lint/security/noDangerouslySetInnerHtml: the HTML is sanitized by DOMPurify (sanitize.ts)
        <div className="email-html" dangerouslySetInnerHTML={{ __html: safe.html }} />
      )}
      {(email.textTruncated || email.htmlTruncated) && (
        <p className="muted">This email was longer than what is kept; the rest is in the original message.</p>
      )}
    </div>
  );
}

export default function EmailThread({
  threadId,
  emailId,
  open,
  onClose,
}: {
  threadId: string;
  emailId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { client } = useSession();
  const thread = useQuery({
    queryKey: ['email-thread', threadId],
    queryFn: () => answer(client.GET('/email-threads/{id}', { params: { path: { id: threadId } } })),
    enabled: open,
  });
  const t = thread.data;
  return (
    <Dialog title={t ? t.subject : 'Email'} open={open} onClose={onClose}>
      <ProblemAlert error={thread.error} loading="the emails" onRetry={() => void thread.refetch()} />
      {!t && !thread.error && <p aria-busy="true">Loading…</p>}
      {t && (
        <ol className="email-thread" aria-label="Emails in this thread, oldest first">
          {t.emails.map((e) => (
            <li key={e.id} aria-current={e.id === emailId ? 'true' : undefined}>
              <article aria-label={`${e.subject}, from ${person(e.from)}`}>
                <header>
                  <strong>{person(e.from)}</strong> <time dateTime={e.sentAt}>{dateTime(e.sentAt)}</time>
                  <div className="muted">
                    To {people(e.to) || '–'}
                    {e.cc.length > 0 && `; cc ${people(e.cc)}`}
                  </div>
                  {e.subject !== t.subject && <div>{e.subject}</div>}
                </header>
                <EmailBody email={e} />
                {e.attachments.length > 0 && (
                  <ul className="email-files" aria-label="Files">
                    {e.attachments.map((a) => (
                      <li key={`${a.name}-${a.size}`}>
                        {a.name} ({Math.max(1, Math.round(a.size / 1024))} KB)
                        {a.attachmentId
                          ? ' — in the attachments'
                          : a.skipped
                            ? ` — not kept: ${a.skipped}`
                            : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </article>
            </li>
          ))}
        </ol>
      )}
    </Dialog>
  );
}
