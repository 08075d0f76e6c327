import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { answer, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { CustomFieldValues } from '../ui/CustomFieldValues.js';
import { Fact } from '../ui/Fact.js';
import { date, money } from '../ui/format.js';
import { CompanyLink, ContactLink } from '../ui/record-links.js';
import { ProjectEditForm } from './ProjectEditForm.js';
import { duration } from './time-format.js';

type Project = Schemas['ProjectWithTasks'];

const STATUS: Record<Project['status'], string> = {
  planned: 'planned',
  active: 'active',
  on_hold: 'on hold',
  done: 'done',
  cancelled: 'cancelled',
};

/** The deal the project was made from, by its title (the deal page's own cached read). */
function DealLink({ id, deleted }: { id: string; deleted: boolean }) {
  const { client } = useSession();
  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: () => answer(client.GET('/deals/{id}', { params: { path: { id } } })),
    enabled: !deleted,
    staleTime: 30_000,
  });
  if (deleted) return <span className="muted">deleted</span>;
  if (deal.isError) return <span className="muted">a deal that could not be read</span>;
  return <Link href={`/deals/${id}`}>{deal.data?.title ?? '…'}</Link>;
}

/** Who and what the project is for: its people, its customer, its dates and money; edited in place. */
export function ProjectFacts({ project: p, onChanging }: { project: Project; onChanging: () => void }) {
  const { editDelivery } = useAbilities();
  const { nameOf } = usePeople();
  const [editing, setEditing] = useState(false);
  if (editing)
    return <ProjectEditForm project={p} onChanging={onChanging} onDone={() => setEditing(false)} />;
  const budget = [
    p.budget?.hours !== undefined ? `${p.budget.hours} h` : '',
    p.budget?.amount ? money(p.budget.amount) : '',
  ].filter(Boolean);
  return (
    <>
      <dl className="facts">
        <Fact term="Status">
          <span className={`status status-${p.status}`}>{STATUS[p.status]}</span>
        </Fact>
        <Fact term="Delivery owner">
          <span data-fact="owner">{nameOf(p.ownerId)}</span>
        </Fact>
        <Fact term="Deal owner">{p.dealOwnerId ? nameOf(p.dealOwnerId) : '–'}</Fact>
        <Fact term="Customer">{p.customer.companyId ? <CompanyLink id={p.customer.companyId} /> : '–'}</Fact>
        <Fact term="Main stakeholder">
          {p.customer.mainStakeholderContactId ? (
            <ContactLink id={p.customer.mainStakeholderContactId} />
          ) : (
            '–'
          )}
        </Fact>
        <Fact term="Deal">
          {p.dealId ? <DealLink id={p.dealId} deleted={Boolean(p.dealDeletedAt)} /> : '–'}
        </Fact>
        <Fact term="Kickoff">{date(p.kickoffDate)}</Fact>
        <Fact term="Promised by">{p.promisedDueDate ? date(p.promisedDueDate) : 'no date promised'}</Fact>
        <Fact term="Budget">{budget.length ? budget.join(' and ') : 'none set'}</Fact>
        <Fact term="Hourly rate">{p.hourlyRate ? money(p.hourlyRate) : 'none set'}</Fact>
        <Fact term="Time logged">
          {duration(p.totals.actualMinutes)} of {duration(p.totals.estimatedMinutes)} estimated
          {p.burn.hours !== null && `, ${Math.round(p.burn.hours * 100)}% of the hours budget`}
          {p.burn.cost !== null && `, ${Math.round(p.burn.cost * 100)}% of the budget's amount`}
        </Fact>
        <CustomFieldValues entity="project" values={p.customFields} />
      </dl>
      {editDelivery && (
        <p>
          <button type="button" onClick={() => setEditing(true)}>
            Edit the project
          </button>
        </p>
      )}
    </>
  );
}
