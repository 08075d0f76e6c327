import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { useIsFetching, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { answer, ifMatch, type Schemas } from '../api/client.js';
import { useChosenPipeline, usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { describeFailure } from '../ui/failure.js';
import { PeopleOptions, PipelineSelect } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { useSelection } from '../ui/selection.js';
import { columnByColumn } from './board-keyboard.js';
import { columnUnder, stageAtDrop } from './column-under.js';
import { DealCard, DealCardCopy } from './DealCard.js';
import { StageColumn } from './StageColumn.js';
import {
  boardKey,
  COLUMN_ORDER,
  type ColumnPages,
  columnKey,
  reportAfterMove,
  withDeal,
  withDealFirst,
  withoutDeal,
} from './stage-deals.js';

// The pipeline board at a company's size: each column reads its own stage a page at a time and
// shows only the cards in view (StageColumn.tsx); the column's count and value come from the
// pipeline report, whose totals are kept on every write (one read, whatever the number of
// deals), not from adding up the cards read so far.

// bulk actions are for managers, once they choose a card: loaded then
// the form (its pickers, custom fields, past-due check) loads when a person first asks for it
const NewDealDialog = lazy(() => import('./NewDealDialog.js').then((m) => ({ default: m.NewDealDialog })));
const BulkActions = lazy(() => import('../deals/BulkActions.js').then((m) => ({ default: m.BulkActions })));

type Deal = Schemas['Deal'];
type PipelineReport = Schemas['PipelineReport'];

/** A move as it was asked: the deal as the board had it, and where it was dropped. */
interface Move {
  deal: Deal;
  stageId: string;
}

export function Board() {
  const { client, userId } = useSession();
  const { editCrm, changeDeal, manage, readReports } = useAbilities();
  const { pipelines, pipeline, choose: setPipelineId } = useChosenPipeline();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const [ownerId, setOwnerId] = useState<string>('');
  const [creating, setCreating] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [activeDeal, setActiveDeal] = useState<Deal | null>(null);
  // the `n` shortcut (and any link to /pipeline?new=deal) opens the new deal dialog
  const [params, setParams] = useSearchParams();
  const asked = params.get('new') === 'deal';
  useEffect(() => {
    if (!asked) return;
    if (editCrm) setCreating(true);
    setParams({}, { replace: true });
  }, [asked, editCrm, setParams]);
  // "overdue" and "stalled" as of a minute ago: the cards re-render once a minute, not on every render
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);

  // everyone's figures are the stored totals (managers); a rep reads only their own
  const figuresReadable = manage || (readReports && ownerId === userId);
  const reportKey = ['report', 'pipeline', pipeline?.id, ownerId];
  const report = useQuery({
    queryKey: reportKey,
    enabled: pipeline !== undefined && figuresReadable,
    queryFn: () =>
      answer(
        client.GET('/reports/pipeline', {
          params: { query: { pipelineId: pipeline!.id, ...(ownerId ? { ownerId } : {}) } },
        }),
      ),
  });
  const figuresOf = (stageId: string) =>
    figuresReadable ? report.data?.stages.find((s) => s.stageId === stageId) : undefined;

  // the cards each column holds, for the names in announcements and the order of a shift-click
  const loaded = useRef(new Map<string, Deal[]>());
  const onLoaded = useCallback((stageId: string, deals: Deal[]) => {
    loaded.current.set(stageId, deals);
  }, []);
  const findDeal = (id: string | number) => {
    for (const deals of loaded.current.values()) {
      const found = deals.find((d) => d.id === id);
      if (found) return found;
    }
    return undefined;
  };

  const fetching = useIsFetching({ queryKey: boardKey(pipeline?.id ?? '') });
  const ready =
    pipeline !== undefined &&
    fetching === 0 &&
    pipeline.stages.every(
      (s) => queryClient.getQueryState(columnKey(pipeline.id, s.id, ownerId))?.status === 'success',
    );

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: columnByColumn }),
  );
  const stageName = (id: string | number | undefined) =>
    pipeline?.stages.find((s) => s.id === id)?.name ?? 'no stage';
  const titleOf = (id: string | number) => findDeal(id)?.title ?? 'the deal';

  const move = useMutation({
    mutationFn: ({ deal, stageId }: Move) =>
      answer(
        client.POST('/deals/{id}/move', {
          params: { path: { id: deal.id }, header: ifMatch(deal.version) },
          body: { stageId },
        }),
      ),
    // the card moves at once (to the top of its new column, where the API lists a deal that has
    // just entered a stage); if the move is refused or unanswered it goes back where it was
    onMutate: async ({ deal, stageId }) => {
      const from = columnKey(deal.pipelineId, deal.stageId, ownerId);
      const to = columnKey(deal.pipelineId, stageId, ownerId);
      const figures = reportKey;
      await Promise.all([from, to, figures].map((queryKey) => queryClient.cancelQueries({ queryKey })));
      const before = {
        from: queryClient.getQueryData<ColumnPages>(from),
        to: queryClient.getQueryData<ColumnPages>(to),
        figures: queryClient.getQueryData<PipelineReport>(figures),
      };
      const moved = { ...deal, stageId, stageEnteredAt: new Date().toISOString() };
      queryClient.setQueryData<ColumnPages>(from, (d) => withoutDeal(d, deal.id));
      queryClient.setQueryData<ColumnPages>(to, (d) => withDealFirst(d, moved));
      queryClient.setQueryData<PipelineReport>(figures, (r) => reportAfterMove(r, deal, stageId));
      return { before, from, to, figures };
    },
    onSuccess: (saved, _move, context) => {
      if (context) queryClient.setQueryData<ColumnPages>(context.to, (d) => withDeal(d, saved));
      queryClient.setQueryData(['deal', saved.id], saved);
    },
    onError: (error, { deal }, context) => {
      if (context) {
        queryClient.setQueryData(context.from, context.before.from);
        queryClient.setQueryData(context.to, context.before.to);
        queryClient.setQueryData(context.figures, context.before.figures);
      }
      setAnnouncement(
        `${deal.title} was not moved; it is still in ${stageName(deal.stageId)}. ${describeFailure(error, 'moved').title}`,
      );
    },
    onSettled: (_saved, _error, _move, context) => {
      if (context) void queryClient.invalidateQueries({ queryKey: context.figures });
    },
  });

  // whether the drag under way was started from the keyboard (column-under.ts says why it matters)
  const byKeyboard = useRef(false);
  const collisionDetection = useMemo(() => columnUnder(() => byKeyboard.current), []);
  const onDragStart = ({ active, activatorEvent }: DragStartEvent) => {
    byKeyboard.current = activatorEvent instanceof KeyboardEvent;
    setActiveDeal((active.data.current as { deal: Deal } | undefined)?.deal ?? null);
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
    setActiveDeal(null);
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

  // managers choose cards for a bulk action; a shift-click chooses the range within a column
  const selection = useSelection();
  const choose = useRef(selection.toggle);
  choose.current = selection.toggle;
  const onChoose = useCallback((deal: Deal, on: boolean, range: boolean) => {
    const order = (loaded.current.get(deal.stageId) ?? []).map((d) => d.id);
    choose.current(deal.id, on, range, order);
  }, []);
  const chosenDeals = [...selection.chosen].map(findDeal).filter((d): d is Deal => d !== undefined);
  // the bulk panel stays once opened, with its results, until it is closed
  const [bulkOpen, setBulkOpen] = useState(false);
  const anyChosen = selection.chosen.size > 0;
  useEffect(() => {
    if (anyChosen) setBulkOpen(true);
  }, [anyChosen]);

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
        <span className="muted board-order">
          Cards sorted by: {COLUMN_ORDER}. <Link href="/deals">All deals as a list</Link>
        </span>
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
      <ProblemAlert error={pipelines.error} loading="the pipeline" onRetry={() => void pipelines.refetch()} />
      {manage && bulkOpen && (
        <Suspense fallback={null}>
          <BulkActions
            deals={chosenDeals}
            onClear={selection.clear}
            onFinished={(failedIds) => selection.keepOnly(failedIds)}
            onClose={() => setBulkOpen(false)}
          />
        </Suspense>
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
          onDragCancel={() => setActiveDeal(null)}
          accessibility={{ announcements }}
        >
          <div className="board" aria-busy={fetching > 0} data-ready={ready}>
            {pipeline.stages.map((stage) => (
              <StageColumn
                key={`${stage.id}:${ownerId}`}
                pipelineId={pipeline.id}
                stage={stage}
                ownerId={ownerId}
                figures={figuresOf(stage.id)}
                activeId={activeDeal?.id ?? null}
                onLoaded={onLoaded}
                card={(deal) => (
                  <DealCard
                    deal={deal}
                    stage={stage}
                    now={now}
                    movable={changeDeal(deal)}
                    ownerName={nameOf(deal.ownerId)}
                    {...(manage ? { chosen: selection.has(deal.id), onChoose } : {})}
                  />
                )}
              />
            ))}
          </div>
          <DragOverlay dropAnimation={null}>
            {activeDeal ? <DealCardCopy deal={activeDeal} /> : null}
          </DragOverlay>
        </DndContext>
      )}
      {pipeline && creating && (
        <Suspense fallback={<p aria-busy="true">Opening the form…</p>}>
          <NewDealDialog pipeline={pipeline} open={creating} onClose={() => setCreating(false)} />
        </Suspense>
      )}
    </div>
  );
}
