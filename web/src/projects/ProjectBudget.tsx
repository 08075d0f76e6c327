import { useQuery } from '@tanstack/react-query';
import { answer } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// What was sold, line by line, against the time logged on it: the project's budget lines (the
// won deal's accepted quote, or its line items at the win).

const quantity = (n: number | null | undefined, unit: string) =>
  n === null || n === undefined ? '–' : `${Number(n.toFixed(2))} ${unit}${n === 1 ? '' : 's'}`;

export function ProjectBudget({ projectId, version }: { projectId: string; version: number }) {
  const { client } = useSession();
  const budget = useQuery({
    queryKey: ['project-budget', projectId, version],
    queryFn: () => answer(client.GET('/projects/{id}/budget', { params: { path: { id: projectId } } })),
  });
  if (budget.isError && !budget.data)
    return <ProblemAlert error={budget.error} loading="the budget" onRetry={() => void budget.refetch()} />;
  if (!budget.data || budget.data.lines.length === 0) return null;
  const b = budget.data;
  return (
    <section aria-labelledby="project-budget">
      <h2 id="project-budget">Budget by line</h2>
      {b.atRisk && (
        <p role="status" className="at-risk">
          Over budget: more time was logged than was sold on a line.
        </p>
      )}
      <table className="budget-lines" aria-labelledby="project-budget">
        <thead>
          <tr>
            <th>Line</th>
            <th>Sold</th>
            <th>Logged</th>
            <th>Budget</th>
            <th>Actual</th>
            <th>Burn</th>
          </tr>
        </thead>
        <tbody>
          {b.lines.map((l) => (
            <tr key={l.id} className={l.overBudget ? 'over' : ''}>
              <td>{l.name}</td>
              <td>{quantity(l.quantity, l.unit)}</td>
              <td>{quantity(l.actualQuantity, l.unit)}</td>
              <td>{money(l.amount)}</td>
              <td>{l.actualAmount ? money(l.actualAmount) : '–'}</td>
              <td>
                {l.burn === null ? '–' : `${Math.round(l.burn * 100)} %${l.overBudget ? ' (over)' : ''}`}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            <td />
            <td />
            <td>{b.budget ? money(b.budget) : '–'}</td>
            <td>{b.actual ? money(b.actual) : '–'}</td>
            <td>{b.burn === null ? '–' : `${Math.round(b.burn * 100)} %`}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}
