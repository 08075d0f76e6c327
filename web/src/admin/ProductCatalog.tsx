import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { minorFromTyped, money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// The product catalog (admins): what sales add to deals as line items. A product is retired, not
// deleted: the lines and quotes that name it keep it.

type Product = Schemas['Product'];
const UNITS = ['hour', 'day', 'item', 'month'] as const;

export function useCatalog(active?: boolean) {
  const { client } = useSession();
  return useQuery({
    queryKey: ['products', active ?? 'all'],
    queryFn: () =>
      answer(
        client.GET('/products', {
          params: {
            query: { limit: 100, ...(active === undefined ? {} : { active: String(active) as 'true' }) },
          },
        }),
      ).then((page) => page.items),
  });
}

export function ProductCatalog() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const products = useCatalog();
  const [name, setName] = useState('');
  const [unit, setUnit] = useState<(typeof UNITS)[number]>('hour');
  const [price, setPrice] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [tax, setTax] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['products'] });
  const add = useMutation({
    mutationFn: () =>
      answer(
        client.POST('/products', {
          body: {
            name,
            unit,
            unitPrice: { amount: minorFromTyped(price, currency), currency },
            ...(tax.trim() ? { taxPercent: Number(tax) } : {}),
            active: true,
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      setPrice('');
      setTax('');
      refresh();
    },
  });
  const retire = useMutation({
    mutationFn: (p: Product) =>
      answer(
        client.POST('/products/{id}/retire', { params: { path: { id: p.id }, header: ifMatch(p.version) } }),
      ),
    onSuccess: refresh,
  });
  return (
    <section aria-labelledby="catalog">
      <ProblemAlert
        error={products.error}
        loading="the product catalog"
        onRetry={() => void products.refetch()}
      />
      <table className="catalog" aria-labelledby="catalog">
        <thead>
          <tr>
            <th>Product</th>
            <th>Unit</th>
            <th>Price</th>
            <th>Tax</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(products.data ?? []).map((p) => (
            <tr key={p.id} className={p.active ? '' : 'retired'}>
              <td>{p.name}</td>
              <td>{p.unit}</td>
              <td>{money(p.unitPrice)}</td>
              <td>{p.taxPercent ? `${p.taxPercent} %` : '–'}</td>
              <td>
                {p.active ? (
                  <button type="button" onClick={() => retire.mutate(p)} disabled={retire.isPending}>
                    Retire {p.name}
                  </button>
                ) : (
                  'retired'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ProblemAlert error={retire.error} verb="retired" />
      <form
        className="product-form"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <label>
          Product name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Unit{' '}
          <select
            aria-label="Unit"
            value={unit}
            onChange={(e) => setUnit(e.target.value as (typeof UNITS)[number])}
          >
            {UNITS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
        </label>
        <label>
          Price{' '}
          <input value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" required />
        </label>
        <label>
          Currency{' '}
          <input value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} size={4} />
        </label>
        <label>
          Tax % <input value={tax} onChange={(e) => setTax(e.target.value)} inputMode="decimal" size={5} />
        </label>
        <button type="submit" disabled={add.isPending}>
          Add the product
        </button>
        <ProblemAlert error={add.error} verb="added" />
      </form>
    </section>
  );
}
