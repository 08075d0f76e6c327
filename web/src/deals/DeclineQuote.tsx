import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// The customer's "no" to a quote, with their reason, typed in the page (not a browser prompt):
// the reason stays in the form until the API has recorded it, so a failed request loses nothing.

type Quote = Schemas['QuoteView'];

export function DeclineQuote({
  quote,
  label,
  onDeclined,
  onCancel,
}: {
  quote: Quote;
  label: string;
  onDeclined: () => void;
  onCancel: () => void;
}) {
  const { client } = useSession();
  const [reason, setReason] = useState('');
  const field = useId();
  const decline = useMutation({
    mutationFn: () =>
      answer(
        client.POST('/quotes/{id}/decline', {
          params: { path: { id: quote.id }, header: ifMatch(quote.version) },
          body: { reason: reason.trim() },
        }),
      ),
    onSuccess: onDeclined,
  });
  return (
    <form
      className="quote-decline"
      aria-label={`Decline ${label}`}
      onSubmit={(e) => {
        e.preventDefault();
        decline.mutate();
      }}
    >
      <label htmlFor={field}>Why did the customer decline {label}?</label>
      <textarea
        id={field}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        maxLength={500}
        rows={2}
      />
      <button type="submit" disabled={decline.isPending || reason.trim() === ''}>
        Record the decline
      </button>
      <button type="button" className="link" onClick={onCancel} disabled={decline.isPending}>
        Cancel
      </button>
      <ProblemAlert error={decline.error} verb="recorded" onRetry={() => decline.mutate()} />
    </form>
  );
}
