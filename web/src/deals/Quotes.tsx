import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { date, money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { DeclineQuote } from './DeclineQuote.js';

// A deal's quotes, newest version first: make the next one from the line items, download its
// PDF, send it to the contact, record the customer's answer.

type Deal = Schemas['Deal'];
type Quote = Schemas['QuoteView'];

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

export function Quotes({ deal, editable }: { deal: Deal; editable: boolean }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState('');
  const [validUntil, setValidUntil] = useState(inDays(30));
  /** The quote whose decline is being typed (its form stays open until recorded or cancelled). */
  const [declining, setDeclining] = useState<string | null>(null);
  const quotes = useQuery({
    queryKey: ['quotes', deal.id],
    queryFn: () =>
      answer(
        client.GET('/deals/{id}/quotes', { params: { path: { id: deal.id }, query: { limit: 100 } } }),
      ).then((page) => page.items),
  });
  const refresh = () => {
    for (const key of [
      ['quotes', deal.id],
      ['deal', deal.id],
      ['line-items', deal.id],
      ['timeline', deal.id],
    ])
      void queryClient.invalidateQueries({ queryKey: key });
  };
  const make = useMutation({
    mutationFn: () =>
      answer(
        client.POST('/deals/{id}/quotes', {
          params: { path: { id: deal.id } },
          body: { scopeSummary: scope, validUntil },
        }),
      ),
    onSuccess: () => {
      setScope('');
      refresh();
    },
  });
  const act = useMutation({
    mutationFn: async ({ q, action }: { q: Quote; action: 'send' | 'accept' }) => {
      const params = { path: { id: q.id }, header: ifMatch(q.version) };
      if (action === 'send') return answer(client.POST('/quotes/{id}/send', { params }));
      return answer(client.POST('/quotes/{id}/accept', { params }));
    },
    onSuccess: refresh,
  });
  const pdf = useMutation({
    mutationFn: (q: Quote) => answer(client.GET('/quotes/{id}/pdf', { params: { path: { id: q.id } } })),
    onSuccess: (link) => window.location.assign(link.url),
  });
  const open = deal.status === 'open';
  return (
    <section aria-labelledby="quotes">
      <h3 id="quotes">Quotes</h3>
      <ProblemAlert error={quotes.error} loading="the quotes" onRetry={() => void quotes.refetch()} />
      <ul className="quotes">
        {(quotes.data ?? []).map((q) => {
          const live = !q.expired && (q.status === 'draft' || q.status === 'sent');
          const label = `${q.number} v${q.quoteVersion}`;
          return (
            <li key={q.id} data-testid={`quote-${q.quoteVersion}`}>
              <strong>{label}</strong> {money({ amount: q.totals.total, currency: q.currency })} ·{' '}
              <span className={`quote-status quote-${q.expired ? 'expired' : q.status}`}>
                {q.expired ? 'expired' : q.status}
              </span>{' '}
              · valid until {date(q.validUntil)}
              {q.sentTo && ` · sent to ${q.sentTo.email}`}
              {q.declineReason && ` · declined: ${q.declineReason}`}{' '}
              <button type="button" className="link" onClick={() => pdf.mutate(q)}>
                PDF of {label}
              </button>
              {editable && open && live && (
                <>
                  <button
                    type="button"
                    onClick={() => act.mutate({ q, action: 'send' })}
                    disabled={act.isPending}
                  >
                    Send {label}
                  </button>
                  <button
                    type="button"
                    onClick={() => act.mutate({ q, action: 'accept' })}
                    disabled={act.isPending}
                  >
                    Accept {label}
                  </button>
                </>
              )}
              {editable && open && (live || q.status === 'accepted') && declining !== q.id && (
                <button type="button" onClick={() => setDeclining(q.id)} disabled={act.isPending}>
                  Decline {label}
                </button>
              )}
              {declining === q.id && (
                <DeclineQuote
                  quote={q}
                  label={label}
                  onDeclined={() => {
                    setDeclining(null);
                    refresh();
                  }}
                  onCancel={() => setDeclining(null)}
                />
              )}
            </li>
          );
        })}
      </ul>
      <ProblemAlert error={act.error ?? pdf.error} />
      {editable && open && (
        <form
          className="quote-form"
          onSubmit={(e) => {
            e.preventDefault();
            make.mutate();
          }}
        >
          <label>
            Scope <textarea value={scope} onChange={(e) => setScope(e.target.value)} required rows={2} />
          </label>
          <label>
            Valid until{' '}
            <input type="date" value={validUntil} onChange={(e) => setValidUntil(e.target.value)} required />
          </label>
          <button type="submit" disabled={make.isPending}>
            Make a quote
          </button>
          <ProblemAlert error={make.error} verb="made" />
        </form>
      )}
    </section>
  );
}
