import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useDroppable,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { allPages, answer, ifMatch, type Schemas } from '../api/client.js';
import { useChosenPipeline, useCompanies, usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { describeFailure } from '../ui/failure.js';
import { totals } from '../ui/format.js';
import { PeopleOptions, PipelineSelect } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { columnByColumn } from './board-keyboard.js';
import { columnUnder, stageAtDrop } from './column-under.js';
import { DealCard } from './DealCard.js';
import { NewDealDialog } from './NewDealDialog.js';

type Deal = Schemas['Deal'];

function StageColumn({
  stage,
  deals,
  children,
}: {
  stage: Schemas['Stage'];
  deals: Deal[];
  children: React.ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  const byCurrency = new Map<string, number>();
  for (const d of deals)
    byCurrency.set(d.value.currency, (byCurrency.get(d.value.currency) ?? 0) + d.value.amount);
  return (
    <section
      ref={setNodeRef}
      className={`stage-column${isOver ? ' over' : ''}`}
      aria-labelledby={`stage-${stage.id}`}
      data-stage-id={stage.id}
    >
      <header>
        <h2 id={`stage-${stage.id}`}>{stage.name}</h2>
        <p className="muted">
          {deals.length} · {totals([...byCurrency].map(([currency, amount]) => ({ currency, amount })))} ·{' '}
          {stage.probability}%
        </p>
      </header>
      <div className="stage-cards">{children}</div>
    </section>
  );
}

/** A move as it was asked: the deal as the board had it, and where it was dropped. */
interface Move {
  deal: Deal;
  stageId: string;
}

export function Board() {
  const { client } = useSession();
  const { editCrm, changeDeal } = useAbilities();
  const { pipelines, pipeline, choose: setPipelineId } = useChosenPipeline();
  const companies = useCompanies();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState<string>('');
  const [creating, setCreating] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  // "overdue" and "stalled" as of a minute ago: the cards re-render once a minute, not on every render
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const dealsKey = ['deals', 'board', pipeline?.id, ownerId];
  const deals = useQuery({
    queryKey: dealsKey,
    enabled: pipeline !== undefined,
    queryFn: () =>
      allPages<Deal>((cursor) =>
        answer(
          client.GET('/deals', {
            params: {
              query: {
                pipelineId: pipeline!.id,
                status: 'open',
                limit: 100,
                ...(ownerId ? { ownerId } : {}),
                ...(cursor ? { cursor } : {}),
              },
            },
          }),
        ),
      ),
  });
  const companyNames = useMemo(
    () => new Map((companies.data ?? []).map((c) => [c.id, c.name])),
    [companies.data],
  );
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnByColumn }),
  );
  const stageName = (id: string | number | undefined) =>
    pipeline?.stages.find((s) => s.id === id)?.name ?? 'no stage';
  const titleOf = (id: string | number) => deals.data?.find((d) => d.id === id)?.title ?? 'the deal';

  const move = useMutation({
    mutationFn: ({ deal, stageId }: Move) =>
      answer(
        client.POST('/deals/{id}/move', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          body: { stageId },
        }),
      ),
    // the card moves at once; if the move is refused or unanswered it goes back where it was
    onMutate: async ({ deal, stageId }) => {
      await queryClient.cancelQueries({ queryKey: dealsKey });
      const before = queryClient.getQueryData<Deal[]>(dealsKey);
      queryClient.setQueryData<Deal[]>(dealsKey, (old) =>
        old?.map((d) => (d.id === deal.id ? { ...d, stageId } : d)),
      );
      return { before };
    },
    onSuccess: (saved) => {
      queryClient.setQueryData<Deal[]>(dealsKey, (old) => old?.map((d) => (d.id === saved.id ? saved : d)));
      queryClient.setQueryData(['deal', saved.id], saved);
    },
    onError: (error, { deal }, context) => {
      if (context?.before) queryClient.setQueryData(dealsKey, context.before);
      setAnnouncement(
        `${deal.title} was not moved; it is still in ${stageName(deal.stageId)}. ${describeFailure(error, 'moved').title}`,
      );
    },
  });

  // whether the drag under way was started from the keyboard (column-under.ts says why it matters)
  const byKeyboard = useRef(false);
  const collisionDetection = useMemo(() => columnUnder(() => byKeyboard.current), []);
  const onDragStart = ({ activatorEvent }: DragStartEvent) => {
    byKeyboard.current = activatorEvent instanceof KeyboardEvent;
  };
  /** The stage a drag ends on, from where the pointer or the card is at the drop (column-under.ts). */
  const droppedOn = ({
    active,
    activatorEvent,
    delta,
  }: Pick<DragEndEvent, 'active' | 'activatorEvent' | 'delta'>) =>
    stageAtDrop(
      { byKeyboard: byKeyboard.current, activatorEvent, delta, card: active.rect.current.translated },
      document.querySelectorAll<HTMLElement>('[data-stage-id]'),
    );
  /** Where the last drag ended: the announcement (said after onDragEnd) names the same stage. */
  const lastDrop = useRef<string | null>(null);
  const onDragEnd = (event: DragEndEvent) => {
    const deal = (event.active.data.current as { deal: Deal } | undefined)?.deal;
    const stageId = droppedOn(event);
    lastDrop.current = stageId;
    if (!deal || !stageId || stageId === deal.stageId) return;
    move.reset();
    move.mutate({ deal, stageId });
    setAnnouncement(`${deal.title} moved to ${stageName(stageId)}.`);
  };
  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${titleOf(active.id)}. Left and right arrows move it between stages.`,
    onDragOver: ({ active, over }) =>
      over
        ? `${titleOf(active.id)} will land in ${stageName(over.id)}.`
        : `${titleOf(active.id)} is over no stage.`,
    onDragEnd: (event) => {
      const stageId = lastDrop.current;
      return stageId
        ? `${titleOf(event.active.id)} dropped on ${stageName(stageId)}.`
        : `${titleOf(event.active.id)} dropped.`;
    },
    onDragCancel: ({ active }) => `Moving ${titleOf(active.id)} was cancelled.`,
  };
  const failed = move.isError ? move.variables : undefined;

  return (
    <div className="board-page">
      <div className="toolbar">
        <h1>Pipeline</h1>
        <PipelineSelect
          pipelines={pipelines.data ?? []}
          value={pipeline?.id ?? ''}
          onChange={setPipelineId}
        />
        <label>
          Owner{' '}
          <select value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
            <option value="">Everyone</option>
            <PeopleOptions />
          </select>
        </label>
        {editCrm && pipeline && (
          <button type="button" onClick={() => setCreating(true)}>
            New deal
          </button>
        )}
      </div>
      {failed && (
        <ProblemAlert error={move.error} verb="moved" onRetry={() => move.mutate(failed)}>
          <p>
            “{failed.deal.title}” is still in {stageName(failed.deal.stageId)}, not in{' '}
            {stageName(failed.stageId)}.
            {describeFailure(move.error, 'moved').stale &&
              ' The board now shows the deal as it is; move it again if it still should.'}
          </p>
        </ProblemAlert>
      )}
      {/* a board that is on screen and could not be refreshed stays, with a line saying so (no
          banner pushing it down mid-drag); a board that could not be read at all gets the alert */}
      <RefreshFailed query={deals} what="the latest board" />
      {!deals.isRefetchError && (
        <ProblemAlert
          error={deals.error ?? pipelines.error}
          loading="the pipeline"
          onRetry={() => void deals.refetch()}
        />
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
      {pipeline && (
        <DndContext
          sensors={sensors}
          collisionDetection={collisionDetection}
          onDragStart={onDragStart}
          onDragEnd={onDragEnd}
          accessibility={{ announcements }}
        >
          <div
            className="board"
            aria-busy={deals.isFetching}
            data-ready={deals.isSuccess && !deals.isFetching}
          >
            {pipeline.stages.map((stage) => {
              const inStage = (deals.data ?? [])
                .filter((d) => d.stageId === stage.id)
                .sort((a, b) => (a.nextAction?.dueAt ?? '').localeCompare(b.nextAction?.dueAt ?? ''));
              return (
                <StageColumn key={stage.id} stage={stage} deals={inStage}>
                  {inStage.map((deal) => (
                    <DealCard
                      key={deal.id}
                      deal={deal}
                      stage={stage}
                      now={now}
                      movable={changeDeal(deal)}
                      ownerName={nameOf(deal.ownerId)}
                      {...(deal.companyId && companyNames.get(deal.companyId)
                        ? { companyName: companyNames.get(deal.companyId)! }
                        : {})}
                    />
                  ))}
                </StageColumn>
              );
            })}
          </div>
        </DndContext>
      )}
      {pipeline && creating && (
        <NewDealDialog pipeline={pipeline} open={creating} onClose={() => setCreating(false)} />
      )}
    </div>
  );
}
