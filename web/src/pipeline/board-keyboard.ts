import type { KeyboardCoordinateGetter } from '@dnd-kit/core';

// dnd-kit's keyboard sensor moves a picked-up card by a few pixels per arrow key; on a board the
// useful step is a whole column. This getter moves the card to the middle of the next stage's
// column to the right or left, at the height it already has (Space picks up and drops, Escape
// cancels: dnd-kit's own keys). The stage is chosen by the card's horizontal position alone
// (column-under.ts); moving it up to a column's top made the sensor scroll the page, and a drop
// during that smooth scroll was measured against a board still moving.

export const columnByColumn: KeyboardCoordinateGetter = (event, { context }) => {
  const { collisionRect, droppableRects } = context;
  if (!collisionRect) return undefined;
  if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') return undefined;
  event.preventDefault();
  const center = collisionRect.left + collisionRect.width / 2;
  const columns = [...droppableRects.values()].sort((a, b) => a.left - b.left);
  const target =
    event.code === 'ArrowRight'
      ? columns.find((r) => r.left > center)
      : [...columns].reverse().find((r) => r.left + r.width < center);
  if (!target) return undefined;
  return { x: target.left + (target.width - collisionRect.width) / 2, y: collisionRect.top };
};
