import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import { Link } from 'wouter';
import type { Schemas } from '../api/client.js';
import { dateTime, money } from '../ui/format.js';
import { isOverdue, isStalled } from './deal-badges.js';

interface DealCardProps {
  deal: Schemas['Deal'];
  stage: Schemas['Stage'] | undefined;
  companyName?: string;
  ownerName: string;
  movable: boolean;
  now: number;
}

/** A card re-renders only when its own props change: a board of thousands re-renders in one go otherwise. */
export const DealCard = memo(function DealCard({
  deal,
  stage,
  companyName,
  ownerName,
  movable,
  now,
}: DealCardProps) {
  const { setNodeRef, setActivatorNodeRef, listeners, attributes, transform, isDragging } = useDraggable({
    id: deal.id,
    data: { deal },
    disabled: !movable,
  });
  const overdue = isOverdue(deal, now);
  const stalled = isStalled(deal, stage, now);
  return (
    <article
      ref={setNodeRef}
      className={`deal-card${isDragging ? ' dragging' : ''}`}
      data-deal-id={deal.id}
      aria-label={deal.title}
      style={transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)` } : undefined}
    >
      <div className="deal-card-head">
        <Link href={`/deals/${deal.id}`} className="deal-title">
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
      {companyName && <div className="muted">{companyName}</div>}
      <div className="deal-value">{money(deal.value)}</div>
      <div className="muted">{ownerName}</div>
      {deal.nextAction && (
        <div className={overdue ? 'next-action late' : 'next-action'}>
          {deal.nextAction.summary} · {dateTime(deal.nextAction.dueAt)}
        </div>
      )}
      <div className="badges">
        {overdue && <span className="badge late">Overdue</span>}
        {stalled && <span className="badge stalled">Stalled</span>}
      </div>
    </article>
  );
});
