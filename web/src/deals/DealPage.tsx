import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople, usePipelines } from '../api/queries.js';
import { useContact } from '../api/records.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { EmailComposer } from '../email/EmailComposer.js';
import { Attachments } from '../ui/Attachments.js';
import { CustomFieldValues } from '../ui/CustomFieldValues.js';
import { Fact } from '../ui/Fact.js';
import { date, dateTime, money } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { CompanyLink, ContactLink } from '../ui/record-links.js';
import { Timeline } from '../ui/Timeline.js';
import { DealEditForm } from './DealEditForm.js';
import { DealTasks } from './DealTasks.js';
import { DeliverySummary } from './DeliverySummary.js';
import { LineItems } from './LineItems.js';
import { LoseDialog } from './LoseDialog.js';
import { NextActionForm } from './NextActionForm.js';
import { Quotes } from './Quotes.js';
import { WinDialog } from './WinDialog.js';

type Deal = Schemas['Deal'];

/** An email to the deal's contact (to begin with), with the deal's own address in BCC. */
function DealEmail({ deal }: { deal: Deal }) {
  const contact = useContact(deal.contactId);
  return (
    <EmailComposer
      dealId={deal.id}
      to={contact.data?.emails.slice(0, 1) ?? []}
      timelineId={deal.id}
      key={contact.data?.id ?? 'none'}
    />
  );
}

/** The handoff makes the project from DealClosedWon, a moment after the win: the page asks until it is there. */
function ProjectLink({ deal }: { deal: Deal }) {
  const { client } = useSession();
  const project = useQuery({
    queryKey: ['deal-project', deal.id, deal.wins],
    queryFn: () => answer(client.GET('/deals/{id}/project', { params: { path: { id: deal.id } } })),
    retry: (count, error) => error instanceof ApiProblem && error.status === 404 && count < 60,
    retryDelay: 1000,
  });
  if (project.data) return <DeliverySummary dealId={deal.id} />;
  if (project.isError) return <ProblemAlert error={project.error} loading="the delivery project" />;
  return (
    <p role="status" className="waiting">
      Won. The handoff is creating the delivery project…
    </p>
  );
}

export function DealPage({ id }: { id: string }) {
  const { client } = useSession();
  const { changeDeal } = useAbilities();
  const { nameOf } = usePeople();
  const pipelines = usePipelines();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'win' | 'lose' | null>(null);
  const [editing, setEditing] = useState(false);
  const deal = useQuery({
    queryKey: ['deal', id],
    queryFn: () => answer(client.GET('/deals/{id}', { params: { path: { id } } })),
  });
  const move = useMutation({
    mutationFn: ({ d, stageId }: { d: Deal; stageId: string }) =>
      answer(
        client.POST('/deals/{id}/move', {
          params: { path: { id: d.id }, header: ifMatch(d.version) },
          body: { stageId },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(['deal', id], saved);
      void queryClient.invalidateQueries({ queryKey: ['timeline', id] });
      void queryClient.invalidateQueries({ queryKey: ['deals'] });
    },
  });
  // a record on screen stays when reading it again fails (RefreshFailed says so)
  if (deal.isError && !deal.data)
    return <ProblemAlert error={deal.error} loading="the deal" onRetry={() => void deal.refetch()} />;
  if (!deal.data) return <p aria-busy="true">Loading the deal…</p>;
  const d = deal.data;
  const pipeline = pipelines.data?.find((p) => p.id === d.pipelineId);
  const stageName = (stageId: string) =>
    pipeline?.stages.find((s) => s.id === stageId)?.name ?? 'a removed stage';
  const mayChange = changeDeal(d);
  const open = d.status === 'open';
  return (
    <div className="deal-page">
      <p>
        <Link href="/pipeline">← Pipeline</Link>
      </p>
      <h1>{d.title}</h1>
      <RefreshFailed query={deal} what="the deal" />
      <p className={`status status-${d.status}`}>{d.status}</p>
      {move.isError && (
        <ProblemAlert error={move.error} verb="moved" onRetry={() => move.mutate(move.variables!)}>
          <p>The deal is still in {stageName(d.stageId)}.</p>
        </ProblemAlert>
      )}
      <div className="columns">
        <section aria-labelledby="facts">
          <h2 id="facts">Facts</h2>
          {editing ? (
            <DealEditForm deal={d} onDone={() => setEditing(false)} />
          ) : (
            <dl className="facts">
              <Fact term="Value">{money(d.value)}</Fact>
              <Fact term="Owner">{nameOf(d.ownerId)}</Fact>
              <Fact term="Stage">
                {mayChange && open ? (
                  <select
                    aria-label="Stage"
                    value={move.isPending ? move.variables.stageId : d.stageId}
                    disabled={move.isPending}
                    onChange={(e) => move.mutate({ d, stageId: e.target.value })}
                  >
                    {pipeline?.stages.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  stageName(d.stageId)
                )}
              </Fact>
              <Fact term="Company">{d.companyId ? <CompanyLink id={d.companyId} /> : '–'}</Fact>
              <Fact term="Contact">{d.contactId ? <ContactLink id={d.contactId} /> : '–'}</Fact>
              <Fact term="Expected close">{d.expectedCloseDate ? date(d.expectedCloseDate) : 'not set'}</Fact>
              <Fact term="Lead source">{d.leadSource ?? '–'}</Fact>
              <Fact term="Tags">{d.tags.length ? d.tags.join(', ') : '–'}</Fact>
              <Fact term="Next action">
                {d.nextAction ? `${d.nextAction.summary}, ${dateTime(d.nextAction.dueAt)}` : 'none'}
              </Fact>
              {d.lostReason && <Fact term="Lost because">{d.lostReason}</Fact>}
              <CustomFieldValues entity="deal" values={d.customFields} />
            </dl>
          )}
          {mayChange && !editing && (
            <p>
              <button type="button" onClick={() => setEditing(true)}>
                Edit the deal
              </button>
            </p>
          )}
          {d.status === 'won' && <ProjectLink deal={d} />}
          {d.handoff && (
            <section aria-labelledby="handoff">
              <h3 id="handoff">Handoff</h3>
              <p>{d.handoff.scopeSummary}</p>
              <p>
                Kickoff {date(d.handoff.kickoffDate)}, promised by {date(d.handoff.promisedTimeline.dueDate)}.
                Main stakeholder: <ContactLink id={d.handoff.mainStakeholderContactId} />
              </p>
              <ul>
                {d.handoff.keyConstraints.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            </section>
          )}
          {/* a win or a loss is sent with the version read: it waits for the deal read afresh */}
          {mayChange && open && (
            <div className="actions">
              <button type="button" onClick={() => setDialog('win')} disabled={deal.isFetching}>
                Win…
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => setDialog('lose')}
                disabled={deal.isFetching}
              >
                Lost…
              </button>
            </div>
          )}
          <LineItems key={d.version} deal={d} editable={mayChange} />
          <Quotes deal={d} editable={mayChange} />
          <Attachments parent={{ kind: 'deal', id: d.id }} editable={mayChange} />
        </section>
        <section aria-labelledby="work">
          <h2 id="work">Work</h2>
          {mayChange && open && <NextActionForm deal={d} />}
          <DealTasks dealId={d.id} editable={mayChange} />
          <DealEmail deal={d} />
          <Timeline entity="deals" id={d.id} />
        </section>
      </div>
      {dialog === 'win' && <WinDialog deal={d} open onClose={() => setDialog(null)} />}
      {dialog === 'lose' && <LoseDialog deal={d} open onClose={() => setDialog(null)} />}
    </div>
  );
}
