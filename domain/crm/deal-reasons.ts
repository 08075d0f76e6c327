import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { type FieldIssue, Forbidden } from '../shared/errors.js';
import { normalizeText, text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// Why deals are won and lost, as a workspace's admins name them: a managed list each, so the
// conversion report counts "Budget" once and not in five spellings. With no list, any reason is
// taken (as before there were lists); with one, a reason is one of it, or `other` with a detail.

export const OTHER_REASON = 'other';

const ReasonList = z
  .array(text(100))
  .max(50)
  .refine((list) => new Set(list.map(normalizeText)).size === list.length, {
    error: 'names the same reason twice',
  })
  .refine((list) => !list.some((r) => normalizeText(r) === OTHER_REASON), {
    error: '"other" is always allowed (with a detail); do not list it',
  });

export const DealReasonsInput = z
  .strictObject(() => ({ lost: ReasonList, won: ReasonList }))
  .register(z.globalRegistry, { id: 'DealReasonsInput' });
export type DealReasonsInput = z.infer<typeof DealReasonsInput>;

export const DealReasons = z
  .object(() => ({
    lost: z.array(z.string()),
    won: z.array(z.string()),
    updatedAt: Instant.optional(),
    updatedBy: z.string().optional(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'DealReasons' });
export type DealReasons = z.infer<typeof DealReasons>;

export const NO_REASONS: DealReasons = { lost: [], won: [], version: 0 };

/**
 * The reason as stored (the list's own spelling), or the issues with it. `reason` is optional
 * for a win; a detail goes with `other` only.
 */
export function chooseReason(
  list: string[],
  given: { reason?: string | undefined; detail?: string | undefined },
  path: string,
): { reason?: string; detail?: string; issues: FieldIssue[] } {
  const { reason, detail } = given;
  if (reason === undefined)
    return { issues: detail ? [{ path: `${path}Detail`, message: 'goes with a reason' }] : [] };
  if (normalizeText(reason) === OTHER_REASON) {
    if (!detail)
      return { issues: [{ path: `${path}Detail`, message: 'is required with the reason "other"' }] };
    return { reason: OTHER_REASON, detail, issues: [] };
  }
  if (list.length === 0) return { reason, ...(detail ? { detail } : {}), issues: [] };
  const listed = list.find((r) => normalizeText(r) === normalizeText(reason));
  if (!listed)
    return { issues: [{ path, message: `must be one of: ${list.join(', ')}, or "other" with a detail` }] };
  if (detail) return { issues: [{ path: `${path}Detail`, message: 'goes with the reason "other" only' }] };
  return { reason: listed, issues: [] };
}

/** Admins replace both lists; deals already closed keep the reason they were given. */
export function setDealReasons(
  current: DealReasons,
  input: DealReasonsInput,
  ctx: CommandContext,
): { reasons: DealReasons; events: DomainEvent[] } {
  if (!hasRole(ctx.actor, 'admin')) throw new Forbidden('only admins define the won and lost reasons');
  const reasons: DealReasons = {
    lost: input.lost,
    won: input.won,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: current.version + 1,
  };
  return { reasons, events: [emit(ctx, 'DealReasonsChanged', { lost: reasons.lost, won: reasons.won })] };
}
