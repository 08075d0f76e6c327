import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { Link } from 'wouter';
import type { Schemas } from '../api/client.js';
import { useCompany } from '../api/records.js';
import { dateTime, money } from '../ui/format.js';
import { isOverdue, isStalled } from './deal-badges.js';

type Deal = Schemas['Deal'];

interface DealCardProps {
  deal: Deal;
  stage: Schemas['Stage'] | undefined;
  ownerName: string;
  movable: boolean;
  now: number;
  /** Offered to managers: the card can be chosen for a bulk action. */
  chosen?: boolean;
  onChoose?: (deal: Deal, on: boolean, range: boolean) => void;
}

/**
 * The company's name on a card: the deal's own copy (`companyName`, kept current by the API),
 * else, for a deal stored before deals carried it, the company read by id (one cached read per
 * company on screen, never every company).
 */
function CompanyName({ deal }: { deal: Deal }) {
  const copy = deal.companyName;
  const company = useCompany(copy ? null : deal.companyId);
  const name = copy ?? company.data?.name;
  return name ? <div className="muted">{name}</div> : null;
}

/** A card re-renders only when its own props change: a board of thousands re-renders in one go otherwise. */
export const DealCard = memo(function DealCard({
  deal,
  stage,
  ownerName,
  movable,
  now,
  chosen,
  onChoose,
}: DealCardProps) {
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, isDragging } = useDraggable({
    id: deal.id,
    data: { deal },
    disabled: !movable,
  });
  const overdue = isOverdue(deal, now);
  const stalled = isStalled(deal, stage, now);
  return (
    // while it is dragged, the card stays where it was (dimmed) and a copy follows the pointer
    // (DragOverlay): a column scrolls, and would hide a card dragged out of it
    <article
      ref={setNodeRef}
      className={`deal-card${isDragging ? ' dragging' : ''}${chosen ? ' chosen' : ''}`}
      data-deal-id={deal.id}
      data-nav-item
      aria-label={deal.title}
    >
      <div className="deal-card-head">
        {onChoose && (
          <input
            type="checkbox"
            aria-label={`Choose ${deal.title}`}
            checked={chosen ?? false}
            onChange={(e) =>
              onChoose(deal, e.target.checked, (e.nativeEvent as MouseEvent).shiftKey === true)
            }
          />
        )}
        <Link href={`/deals/${deal.id}`} className="deal-title" data-nav-target>
          {deal.title}
        </Link>
        {movable && (
          <button
            type="button"
            ref={setActivatorNodeRef}
            className="grip"
            {...listeners}
            {...attributes}
            aria-label={`Move ${deal.title}`}
          >
            ⠿
          </button>
        )}
      </div>
      {deal.companyId && <CompanyName deal={deal} />}
      <div className="deal-value">{money(deal.value)}</div>
      <div className="muted">{ownerName}</div>
      {deal.nextAction && (
        <div className={overdue ? 'next-action late' : 'next-action'}>
          {deal.nextAction.summary} · {dateTime(deal.nextAction.dueAt)}
        </div>
      )}
      {(overdue || stalled) && (
        <div className="badges">
          {overdue && <span className="badge late">Overdue</span>}
          {stalled && <span className="badge stalled">Stalled</span>}
        </div>
      )}
    </article>
  );
});

/** What follows the pointer during a drag: the card's look, without its links and buttons. */
export function DealCardCopy({ deal }: { deal: Deal }) {
  return (
    <div className="deal-card drag-copy" aria-hidden="true">
      <div className="deal-title">{deal.title}</div>
      <div className="deal-value">{money(deal.value)}</div>
    </div>
  );
}
