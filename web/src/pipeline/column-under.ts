import type { CollisionDetection } from '@dnd-kit/core';

// Which stage a dragged card is over. The board's columns stand side by side, so the stage is
// the column whose horizontal span holds the pointer (a mouse or touch drag) or the card's
// centre (a keyboard move) — whatever the columns' heights. dnd-kit's closestCenter measured
// distance to each column's centre, and the centre of an empty (short) column is nearer a card
// at the top of the board than the centre of a long one: cards landed in the empty stage.
// A keyboard move must not read the pointer: dnd-kit can hand a keyboard drag pointer
// coordinates (from the event that focused the handle), which stay where the handle was.

const GAP = 32;

export const columnUnder =
  (byKeyboard: () => boolean): CollisionDetection =>
  ({ collisionRect, droppableRects, droppableContainers, pointerCoordinates }) => {
    const x =
      !byKeyboard() && pointerCoordinates
        ? pointerCoordinates.x
        : collisionRect.left + collisionRect.width / 2;
    let nearest: { id: string | number; distance: number } | undefined;
    for (const container of droppableContainers) {
      const rect = droppableRects.get(container.id);
      if (!rect) continue;
      if (x >= rect.left && x <= rect.right)
        return [{ id: container.id, data: { droppableContainer: container, value: 0 } }];
      const distance = Math.min(Math.abs(x - rect.left), Math.abs(x - rect.right));
      if (!nearest || distance < nearest.distance) nearest = { id: container.id, distance };
    }
    // in the gap between two columns: the nearer one; far off the board: no stage (no move)
    if (!nearest || nearest.distance > GAP) return [];
    const container = droppableContainers.find((c) => c.id === nearest.id)!;
    return [{ id: nearest.id, data: { droppableContainer: container, value: nearest.distance } }];
  };

/**
 * Where a drag ends: the column under the pointer (mouse, touch) or under the card's centre
 * (keyboard) as they are at the drop. dnd-kit's own `over` at the drop can lag the last move on
 * a board of thousands of cards (a render in between re-measures the board; seen with 2,000
 * cards: the card over Proposal, `over` still Qualified), so the drop is decided from the final
 * position, as the announcement is.
 */
export function stageAtDrop(
  drop: {
    byKeyboard: boolean;
    activatorEvent: Event;
    delta: { x: number };
    card: { left: number; width: number } | null;
  },
  columns: Iterable<HTMLElement>,
): string | null {
  const start = pointerX(drop.activatorEvent);
  const x =
    !drop.byKeyboard && start !== null
      ? start + drop.delta.x
      : drop.card
        ? drop.card.left + drop.card.width / 2
        : null;
  if (x === null) return null;
  for (const column of columns) {
    const rect = column.getBoundingClientRect();
    if (x >= rect.left - GAP / 2 && x <= rect.right + GAP / 2) return column.dataset.stageId ?? null;
  }
  return null;
}

const pointerX = (event: Event): number | null => {
  if ('clientX' in event && typeof event.clientX === 'number') return event.clientX;
  if ('touches' in event) {
    const touch = (event as TouchEvent).touches[0] ?? (event as TouchEvent).changedTouches[0];
    return touch ? touch.clientX : null;
  }
  return null;
};
