import { useDroppable } from '@dnd-kit/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { defaultRangeExtractor, useVirtualizer } from '@tanstack/react-virtual';
import { type ReactNode, useCallback, useEffect, useMemo, useRef } from 'react';
import { answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { totals } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RefreshFailed } from '../ui/RefreshFailed.js';
import { COLUMN_PAGE, type ColumnPages, columnDeals, columnKey } from './stage-deals.js';

// One column of the board: its stage's open deals, a page at a time, the next page read as the
// person scrolls near the end; only the cards in view (and a few around) are in the page
// (@tanstack/react-virtual), so a column of 5,000 deals costs the DOM of a dozen cards.

type Deal = Schemas['Deal'];

/** A card's height before it is measured (a title, company, value, owner and next action). */
const CARD_ESTIMATE = 132;
/** How near the end of what is read the next page is asked for. */
const READ_AHEAD = 6;

interface StageColumnProps {
  pipelineId: string;
  stage: Schemas['Stage'];
  ownerId: string;
  /** The stage's count and value from the pipeline report (kept on write); undefined when not readable. */
  figures: { openDeals: number; value: Schemas['MoneyTotals'] } | undefined;
  /** The card being dragged: kept rendered even when scrolled out of view. */
  activeId: string | null;
  /** Tells the board the order of the cards it holds (for a shift-click range). */
  onLoaded: (stageId: string, deals: Deal[]) => void;
  card: (deal: Deal) => ReactNode;
}

export function StageColumn({
  pipelineId,
  stage,
  ownerId,
  figures,
  activeId,
  onLoaded,
  card,
}: StageColumnProps) {
  const { client } = useSession();
  const { setNodeRef, isOver } = useDroppable({ id: stage.id, data: { stage } });
  const query = useInfiniteQuery({
    queryKey: columnKey(pipelineId, stage.id, ownerId),
    queryFn: ({ pageParam }) =>
      answer(
        client.GET('/deals', {
          params: {
            query: {
              pipelineId,
              stageId: stage.id,
              status: 'open',
              limit: COLUMN_PAGE,
              ...(ownerId ? { ownerId } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const deals = useMemo(() => columnDeals(query.data as ColumnPages | undefined), [query.data]);
  useEffect(() => onLoaded(stage.id, deals), [deals, onLoaded, stage.id]);
  const scroller = useRef<HTMLDivElement>(null);
  const activeIndex = activeId ? deals.findIndex((d) => d.id === activeId) : -1;
  const virtualizer = useVirtualizer({
    count: deals.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_ESTIMATE,
    overscan: 3,
    getItemKey: (i) => deals[i]?.id ?? i,
    rangeExtractor: useCallback(
      (range: Parameters<typeof defaultRangeExtractor>[0]) => {
        const shown = defaultRangeExtractor(range);
        return activeIndex >= 0 && !shown.includes(activeIndex)
          ? [...shown, activeIndex].sort((a, b) => a - b)
          : shown;
      },
      [activeIndex],
    ),
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isFetchNextPageError && lastShown >= deals.length - READ_AHEAD)
      void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage, lastShown, deals.length]);

  let heading: string;
  if (figures) heading = `${figures.openDeals.toLocaleString()} · ${totals(figures.value)}`;
  else {
    const byCurrency = new Map<string, number>();
    for (const d of deals)
      byCurrency.set(d.value.currency, (byCurrency.get(d.value.currency) ?? 0) + d.value.amount);
    const sum = totals([...byCurrency].map(([currency, amount]) => ({ currency, amount })));
    heading = hasNextPage ? `${deals.length}+ · ${sum} so far` : `${deals.length} · ${sum}`;
  }
  return (
    <section
      ref={setNodeRef}
      className={`stage-column${isOver ? ' over' : ''}`}
      aria-labelledby={`stage-${stage.id}`}
      data-stage-id={stage.id}
      data-loaded={deals.length}
    >
      <header>
        <h2 id={`stage-${stage.id}`}>{stage.name}</h2>
        <p className="muted">
          {heading} · {stage.probability}%
        </p>
      </header>
      {/* a column on screen that could not be refreshed stays, with a line saying so (no banner
          pushing the cards down mid-drag); one that could not be read at all gets the alert */}
      <RefreshFailed query={query} what="the latest deals" />
      {!query.isRefetchError && (
        <ProblemAlert
          error={query.error}
          loading={`the ${stage.name} deals`}
          onRetry={() => void (isFetchNextPageError ? fetchNextPage() : query.refetch())}
        />
      )}
      <div className="stage-cards" ref={scroller}>
        <div className="stage-cards-inner" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const deal = deals[item.index]!;
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="stage-card-slot"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                {card(deal)}
              </div>
            );
          })}
        </div>
        {isFetchingNextPage && (
          <p className="muted loading-more" aria-live="polite">
            Loading more…
          </p>
        )}
      </div>
    </section>
  );
}
