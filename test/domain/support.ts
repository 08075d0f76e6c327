import type { Task } from '../../domain/delivery/project.js';
import type { Actor, CommandContext } from '../../domain/shared/context.js';
import { ID_PREFIX, type IdKind } from '../../domain/shared/ids.js';

/** A deterministic command context: fixed instant, counting ids. */
export function context(
  actor: Actor = { userId: 'u-alice', roles: ['sales'] },
  now = '2030-01-01T09:00:00.000Z',
): CommandContext {
  let n = 0;
  let e = 0;
  return {
    now,
    actor,
    correlationId: 'corr-1',
    newId: (kind: IdKind) => `${ID_PREFIX[kind]}_${String(++n).padStart(4, '0')}`,
    newEventId: () => `01J0000000000000000000${String(++e).padStart(4, '0')}`,
  };
}

export const manager: Actor = { userId: 'u-mia', roles: ['manager'] };
export const alice: Actor = { userId: 'u-alice', roles: ['sales'] };
export const bob: Actor = { userId: 'u-bob', roles: ['sales'] };
export const dana: Actor = { userId: 'u-dana', roles: ['delivery'] };

/** A stored task for the scheduling tests: todo, dated at the origin, no links unless given. */
export const planTask = (id: string, durationDays: number, extra: Partial<Task> = {}): Task => ({
  id,
  projectId: 'prj_1',
  title: id,
  kind: durationDays === 0 ? 'milestone' : 'task',
  status: 'todo',
  durationDays,
  startDate: '2030-03-04',
  dueDate: '2030-03-04',
  dependencies: [],
  checklist: [],
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
  ...extra,
});
