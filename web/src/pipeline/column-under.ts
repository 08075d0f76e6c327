import type { CollisionDetection } from '@dnd-kit/core';

// Which stage a dragged card is over. The board's columns stand side by side, so the stage is
// the column whose horizontal span holds the pointer (a mouse or touch drag) or the card's
// centre (a keyboard move) — whatever the columns' heights. dnd-kit's closestCenter measured
// distance to each column's centre, and the centre of an empty (short) column is nearer a card
// at the top of the board than the centre of a long one: cards landed in the empty stage.

const GAP = 32;

export const columnUnder: CollisionDetection = ({
  collisionRect,
  droppableRects,
  droppableContainers,
  pointerCoordinates,
}) => {
  const x = pointerCoordinates?.x ?? collisionRect.left + collisionRect.width / 2;
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
