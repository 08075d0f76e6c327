import { PreconditionFailed } from '../../domain/shared/errors.js';
import { ConcurrentModification } from './table/store.js';
import { VersionConflict } from './table/unit-of-work.js';

// Optimistic locking at the command level (DESIGN decision 4). With `If-Match`, the caller
// decided on a version: any other version is a 412. Without it, a command that lost a race is
// decided again on fresh state a few times, so a valid request is not refused for being
// concurrent, and no update is ever lost: every write is conditional on what was read.

const ATTEMPTS = 4;

export function expectVersion(
  ifMatch: number | undefined,
  entity: string,
  current: { id: string; version: number },
) {
  if (ifMatch !== undefined && ifMatch !== current.version) {
    throw new PreconditionFailed(entity, current.id, ifMatch, current.version);
  }
}

export async function mutate<T>(ifMatch: number | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VersionConflict && ifMatch !== undefined) throw error.toPreconditionFailed();
      // A race on anything but the entity itself (a shared total, a counter) says nothing about
      // the version the caller named: decided again even under If-Match.
      const retriable =
        error instanceof ConcurrentModification &&
        (ifMatch === undefined || !(error instanceof VersionConflict));
      if (retriable && i < ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * i));
        continue;
      }
      throw error;
    }
  }
}
