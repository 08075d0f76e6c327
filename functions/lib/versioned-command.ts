import { PreconditionFailed } from '../../domain/shared/errors.js';
import { ConcurrentModification } from './table/store.js';
import { VersionConflict } from './table/unit-of-work.js';

// Optimistic locking at the command level (docs/architecture.md, "Concurrency"). With `If-Match`,
// the caller decided on a version: any other version is a 412. Without it, a command that lost a
// race is decided again on fresh state a few times, so a valid request is not refused for being
// concurrent, and no update is ever lost: every write is conditional on what was read.

const ATTEMPTS = 4;

export interface Versioned {
  id: string;
  version: number;
}

export interface VersionedCommand<T extends { version: number }, R> {
  /** The version the caller named with `If-Match`, if any. */
  ifMatch: number | undefined;
  /** The record's kind, as a 412 names it. */
  entity: string;
  /** The record's id, for a record without one of its own (a workspace-wide setting). */
  id?: string;
  /** Reads the record as it is now (again on every attempt). */
  load(): Promise<T>;
  /** Decides through the domain and commits; a lost race throws ConcurrentModification. */
  run(current: T): Promise<R>;
}

/** Load, check the named version, decide and commit; decided again on fresh state after a lost race. */
export function versionedCommand<T extends { version: number; id?: string }, R>(
  command: VersionedCommand<T, R>,
): Promise<R> {
  return retryOnConflict(command.ifMatch, async () => {
    const current = await command.load();
    expectVersion(command.ifMatch, command.entity, {
      id: command.id ?? current.id ?? command.entity,
      version: current.version,
    });
    return command.run(current);
  });
}

export function expectVersion(ifMatch: number | undefined, entity: string, current: Versioned): void {
  if (ifMatch !== undefined && ifMatch !== current.version) {
    throw new PreconditionFailed(entity, current.id, ifMatch, current.version);
  }
}

/**
 * Runs `attempt` again after a lost race. A conflict on the record the caller named with
 * `If-Match` is a 412; a race on anything else (a shared total, a counter) says nothing about
 * that version, so it is decided again even under `If-Match`.
 */
export async function retryOnConflict<T>(ifMatch: number | undefined, attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof VersionConflict && ifMatch !== undefined) throw error.toPreconditionFailed();
      if (error instanceof ConcurrentModification && i < ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.random() * 20 * i));
        continue;
      }
      throw error;
    }
  }
}
