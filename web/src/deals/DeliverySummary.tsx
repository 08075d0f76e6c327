import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { answer } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { date } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// What sales sees of delivery on a won deal (GET /deals/{id}/delivery): how far along the project
// is, whether it still finishes by the date the rep promised (and by how many working days it
// misses it), the next milestone, and what waits on the customer.

const days = (n: number) => `${n} working day${n === 1 ? '' : 's'}`;

export function DeliverySummary({ dealId }: { dealId: string }) {
  const { client } = useSession();
  const delivery = useQuery({
    queryKey: ['deal-delivery', dealId],
    queryFn: () => answer(client.GET('/deals/{id}/delivery', { params: { path: { id: dealId } } })),
  });
  if (delivery.isPending) return <p role="status">Reading the project’s state…</p>;
  if (delivery.isError) return <ProblemAlert error={delivery.error} loading="the project's state" />;
  const d = delivery.data;
  const { state, promisedDate, projectedFinish, gapDays } = d.promise;
  return (
    <section
      aria-labelledby="delivery-heading"
      className="handoff-done delivery-summary"
      data-promise={state}
    >
      <h2 id="delivery-heading">Delivery</h2>
      <p>
        Project: <Link href={`/projects/${d.projectId}`}>{d.projectName}</Link> · {d.percentComplete}%
        complete
      </p>
      <p className={state === 'at_risk' ? 'late' : state === 'on_track' ? 'on-track' : 'muted'}>
        {state === 'at_risk' &&
          `At risk: finishes ${projectedFinish ? date(projectedFinish) : 'later'}, ${days(gapDays)} after the promised ${promisedDate ? date(promisedDate) : 'date'}.`}
        {state === 'on_track' &&
          `On track: finishes ${projectedFinish ? date(projectedFinish) : 'as planned'}, promised ${promisedDate ? date(promisedDate) : ''}.`}
        {state === 'no_promise' && 'No date was promised.'}
        {state === 'not_running' && `The project is ${d.projectStatus.replace('_', ' ')}.`}
      </p>
      <p>
        Next milestone:{' '}
        {d.nextMilestone
          ? `${d.nextMilestone.title}, ${date(d.nextMilestone.date)}${d.nextMilestone.status === 'late' ? ' (late)' : ''}`
          : 'none left'}
      </p>
      <p>
        Waiting on the customer:{' '}
        {d.waitingOnCustomer.length === 0
          ? 'nothing'
          : d.waitingOnCustomer.map((w) => `${w.title} (by ${date(w.dueDate)})`).join('; ')}
      </p>
    </section>
  );
}
