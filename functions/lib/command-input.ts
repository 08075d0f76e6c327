import type { CommandContext } from '../../domain/shared/context.js';
import type { Write } from './table/store.js';

// What every use case receives beside its own arguments, whoever calls it (a route, an import
// row, an event): who asks and when, the version the caller named, and the checks the
// transaction must include (custom field definitions still current).

export interface CommandInput {
  ctx: CommandContext;
  /** The version named by `If-Match`; a use case of a versioned record refuses any other (412). */
  ifMatch?: number | undefined;
  /** Conditions committed with the change (see RouteRequest.preconditions). */
  preconditions?: Write[];
}
