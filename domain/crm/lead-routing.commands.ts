import { type DomainEvent, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import type { LeadRouting, LeadRoutingInput } from './lead-routing.js';

/** Replaces the rule list; rules sent with their id keep it (and their round-robin turn). */
export function setLeadRouting(
  current: LeadRouting,
  input: LeadRoutingInput,
  ctx: CommandContext,
): { routing: LeadRouting; events: DomainEvent[] } {
  if (!ctx.actor.roles.includes('admin')) throw new Forbidden('only admins define lead routing');
  const routing: LeadRouting = {
    rules: input.rules.map((r) => ({
      id: r.id ?? ctx.newId('rule'),
      name: r.name,
      match: r.match,
      assign: r.assign,
    })),
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: current.version + 1,
  };
  return { routing, events: [emit(ctx, 'LeadRoutingChanged', { rules: routing.rules })] };
}
