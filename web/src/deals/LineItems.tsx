import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCatalog } from '../admin/ProductCatalog.js';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { minorDigits, minorFromTyped, money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { lineAmounts, sum } from './line-totals.js';

// A deal's line items: added from the catalog or typed free, their totals live as they are
// typed, saved all at once (If-Match: the deal's version). The deal's value is their net total.

type Deal = Schemas['Deal'];
type Line = Schemas['LineItem'];

interface Draft {
  id?: string | undefined;
  productId?: string | undefined;
  name: string;
  unit: Line['unit'];
  quantity: string;
  price: string;
  currency: string;
  discount: string;
  tax: string;
}

const typedAmount = (amount: number, currency: string) =>
  (amount / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

function draftOf(l: Line): Draft {
  return {
    id: l.id,
    productId: l.productId,
    name: l.name,
    unit: l.unit,
    quantity: String(l.quantity),
    price: typedAmount(l.unitPrice.amount, l.unitPrice.currency),
    currency: l.unitPrice.currency,
    discount: l.discountPercent ? String(l.discountPercent) : '',
    tax: l.taxPercent ? String(l.taxPercent) : '',
  };
}

const numberOf = (typed: string) => (typed.trim() === '' ? 0 : Number(typed.replace(',', '.')));

function amountsOf(d: Draft) {
  return lineAmounts({
    quantity: numberOf(d.quantity),
    unitPrice: minorFromTyped(d.price, d.currency),
    discountPercent: numberOf(d.discount),
    taxPercent: numberOf(d.tax),
  });
}

export function LineItems({ deal, editable }: { deal: Deal; editable: boolean }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const catalog = useCatalog(true);
  const sheet = useQuery({
    queryKey: ['line-items', deal.id],
    queryFn: () => answer(client.GET('/deals/{id}/line-items', { params: { path: { id: deal.id } } })),
  });
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const save = useMutation({
    mutationFn: (lines: Draft[]) =>
      answer(
        client.PUT('/deals/{id}/line-items', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          body: {
            lineItems: lines.map((d) => ({
              ...(d.id ? { id: d.id } : {}),
              ...(d.productId ? { productId: d.productId } : {}),
              name: d.name,
              unit: d.unit,
              quantity: numberOf(d.quantity),
              unitPrice: { amount: minorFromTyped(d.price, d.currency), currency: d.currency },
              discountPercent: numberOf(d.discount),
              taxPercent: numberOf(d.tax),
            })),
          },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['line-items', deal.id], saved);
      setDraft(null);
      void queryClient.invalidateQueries({ queryKey: ['deal', deal.id] });
      void queryClient.invalidateQueries({ queryKey: ['timeline', deal.id] });
    },
  });
  if (sheet.isError && !sheet.data)
    return <ProblemAlert error={sheet.error} loading="the line items" onRetry={() => void sheet.refetch()} />;
  if (!sheet.data) return <p aria-busy="true">Loading the line items…</p>;
  const fixed = sheet.data.acceptedQuote;
  const mayEdit = editable && deal.status === 'open' && !fixed;
  const lines = draft ?? sheet.data.lineItems.map(draftOf);
  const change = (i: number, patch: Partial<Draft>) =>
    setDraft(lines.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const currency = lines[0]?.currency ?? deal.value.currency;
  const totals = sum(lines.map(amountsOf));
  return (
    <section aria-labelledby="line-items">
      <h3 id="line-items">Line items</h3>
      {fixed && (
        <p className="note">
          Fixed by the accepted quote {fixed.number} v{fixed.quoteVersion}: decline it to change them.
        </p>
      )}
      <table className="line-items" aria-labelledby="line-items">
        <thead>
          <tr>
            <th>Item</th>
            <th>Qty</th>
            <th>Unit</th>
            <th>Unit price</th>
            <th>Disc. %</th>
            <th>Tax %</th>
            <th>Net</th>
            <th>Total</th>
            {mayEdit && <th />}
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => {
            const a = amountsOf(l);
            const key = l.id ?? `new-${i}`;
            return (
              <tr key={key}>
                <td>
                  {mayEdit ? (
                    <input
                      aria-label={`Line ${i + 1} name`}
                      value={l.name}
                      onChange={(e) => change(i, { name: e.target.value })}
                    />
                  ) : (
                    l.name
                  )}
                </td>
                <td>
                  {mayEdit ? (
                    <input
                      aria-label={`Line ${i + 1} quantity`}
                      value={l.quantity}
                      inputMode="decimal"
                      size={5}
                      onChange={(e) => change(i, { quantity: e.target.value })}
                    />
                  ) : (
                    l.quantity
                  )}
                </td>
                <td>{l.unit}</td>
                <td>
                  {mayEdit ? (
                    <input
                      aria-label={`Line ${i + 1} unit price`}
                      value={l.price}
                      inputMode="decimal"
                      size={8}
                      onChange={(e) => change(i, { price: e.target.value })}
                    />
                  ) : (
                    `${l.price} ${l.currency}`
                  )}
                </td>
                <td>
                  {mayEdit ? (
                    <input
                      aria-label={`Line ${i + 1} discount`}
                      value={l.discount}
                      inputMode="decimal"
                      size={4}
                      onChange={(e) => change(i, { discount: e.target.value })}
                    />
                  ) : (
                    l.discount || '–'
                  )}
                </td>
                <td>
                  {mayEdit ? (
                    <input
                      aria-label={`Line ${i + 1} tax`}
                      value={l.tax}
                      inputMode="decimal"
                      size={4}
                      onChange={(e) => change(i, { tax: e.target.value })}
                    />
                  ) : (
                    l.tax || '–'
                  )}
                </td>
                <td>{a ? money({ amount: a.net, currency: l.currency }) : '?'}</td>
                <td>{a ? money({ amount: a.total, currency: l.currency }) : '?'}</td>
                {mayEdit && (
                  <td>
                    <button type="button" onClick={() => setDraft(lines.filter((_, j) => j !== i))}>
                      Remove line {i + 1}
                    </button>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th colSpan={6}>Totals</th>
            <td data-testid="lines-net">{money({ amount: totals.net, currency })}</td>
            <td data-testid="lines-total">{money({ amount: totals.total, currency })}</td>
          </tr>
        </tfoot>
      </table>
      {mayEdit && (
        <div className="actions">
          <select
            aria-label="Add from the catalog"
            value=""
            onChange={(e) => {
              const p = catalog.data?.find((c) => c.id === e.target.value);
              if (!p) return;
              setDraft([
                ...lines,
                {
                  productId: p.id,
                  name: p.name,
                  unit: p.unit,
                  quantity: '1',
                  price: typedAmount(p.unitPrice.amount, p.unitPrice.currency),
                  currency: p.unitPrice.currency,
                  discount: '',
                  tax: p.taxPercent ? String(p.taxPercent) : '',
                },
              ]);
            }}
          >
            <option value="">Add from the catalog…</option>
            {(catalog.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({money(p.unitPrice)} per {p.unit})
              </option>
            ))}
          </select>
          <button
            type="button"
            onClick={() =>
              setDraft([
                ...lines,
                { name: '', unit: 'item', quantity: '1', price: '', currency, discount: '', tax: '' },
              ])
            }
          >
            Add a free line
          </button>
          {draft && (
            <>
              <button type="button" onClick={() => save.mutate(lines)} disabled={save.isPending}>
                Save the line items
              </button>
              <button type="button" onClick={() => setDraft(null)}>
                Discard changes
              </button>
            </>
          )}
        </div>
      )}
      <ProblemAlert error={save.error} verb="saved" />
    </section>
  );
}
