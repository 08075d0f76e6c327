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

export interface VersionedCommand<L, R> {
  /** The version the caller named with `If-Match`, if any. */
  ifMatch: number | undefined;
  /** The record's kind, as a 412 names it. */
  entity: string;
  /** The record's id, for a record without one of its own (a workspace-wide setting). */
  id?: string;
  /** Reads what the command decides on (again on every attempt). */
  load(): Promise<L>;
  /**
   * The versioned record `If-Match` names, when `load` reads more than that record (a task with
   * its project's plan): by default, what `load` read.
   */
  target?(loaded: L): { id?: string; version: number };
  /** Decides through the domain and commits; a lost race throws ConcurrentModification. */
  run(loaded: L): Promise<R>;
}

/** Load, check the named version, decide and commit; decided again on fresh state after a lost race. */
export function versionedCommand<L, R>(command: VersionedCommand<L, R>): Promise<R> {
  return retryOnConflict(command.ifMatch, async () => {
    const loaded = await command.load();
    const target = command.target ? command.target(loaded) : (loaded as { id?: string; version: number });
    expectVersion(command.ifMatch, command.entity, {
      id: command.id ?? target.id ?? command.entity,
      version: target.version,
    });
    return command.run(loaded);
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
