import { type DomainEvent, emit } from '../events.js';
import type { HandoffFacts } from '../handoff/requirements.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Conflict, type FieldIssue, Forbidden, ValidationFailed } from '../shared/errors.js';
import { applyPatch } from '../shared/patch.js';
import { secondsBetween } from '../shared/time.js';
import type { Activity } from './activity.js';
import type { Company } from './company.js';
import type { Contact } from './contact.js';
import { assertMayChangeDeal, type Deal, type DealPatch, type NewDeal, type SetNextAction } from './deal.js';
import type { RoutingRule } from './lead-routing.js';
import { type Pipeline, stageOf } from './pipeline.js';
import { reachStage, stagesCounted } from './stages-reached.js';

// Deal commands: each takes the deal as read, the input and the context, and decides the deal's
// next state and the events it emits; nothing here reads or writes. Over 300 lines: the
// lifecycle (create, move, next action, win, lose, reopen, snooze) shares its guards and history.

type Decision = { deal: Deal; events: DomainEvent[] };

export function assertOpen(deal: Deal, doing: string): void {
  if (deal.status !== 'open') {
    throw new Conflict(`deal ${deal.id} is ${deal.status}; a ${deal.status} deal cannot ${doing}`, {
      dealStatus: deal.status,
    });
  }
}

/**
 * An open deal always has an owner and a next action: both are checked, and both named. A deal
 * sent without an owner may get one from a lead-routing rule (`routed`): the rule assigned it,
 * so the caller's role does not need to (a sales rep may log a lead for the team).
 */
export function createDeal(
  input: NewDeal,
  pipeline: Pipeline,
  ctx: CommandContext,
  routed?: { ownerId: string; rule: Pick<RoutingRule, 'id' | 'name'> },
): Decision {
  const issues: FieldIssue[] = [];
  if (!input.ownerId && !routed)
    issues.push({
      path: 'ownerId',
      message: 'an open deal must have an owner: send ownerId (no lead-routing rule assigned one)',
    });
  if (!input.nextAction) issues.push({ path: 'nextAction', message: 'an open deal must have a next action' });
  const stageId = input.stageId ?? pipeline.stages[0]!.id;
  if (!stageOf(pipeline, stageId)) {
    issues.push({ path: 'stageId', message: `is not a stage of pipeline ${pipeline.id}` });
  }
  if (issues.length) throw new ValidationFailed(issues);
  if (routed && !hasRole(ctx.actor, 'admin', 'manager', 'sales')) {
    throw new Forbidden('your role may read deals but not create them');
  }
  if (!routed && !hasRole(ctx.actor, 'admin', 'manager') && input.ownerId !== ctx.actor.userId) {
    if (!hasRole(ctx.actor, 'sales')) throw new Forbidden('your role may read deals but not create them');
    throw new Forbidden(
      'sales can create only deals they own; ask a manager to assign a deal to someone else',
    );
  }
  const { pipelineId: _p, stageId: _s, nextAction, ownerId, ...rest } = input;
  const deal: Deal = {
    id: ctx.newId('deal'),
    ...rest,
    ownerId: routed?.ownerId ?? ownerId!,
    nextAction: nextAction!,
    pipelineId: pipeline.id,
    stageId,
    stageEnteredAt: ctx.now,
    stageHistory: [{ stageId, enteredAt: ctx.now }],
    stagesReached: reachStage(pipeline, [], stageId),
    status: 'open',
    wins: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    createdBy: ctx.actor.userId,
    version: 1,
  };
  const events = [emit(ctx, 'DealCreated', { deal })];
  if (routed) {
    events.push(
      emit(ctx, 'DealOwnerChanged', {
        dealId: deal.id,
        from: null,
        to: deal.ownerId,
        rule: routed.rule.id,
        ruleName: routed.rule.name,
      }),
    );
  }
  return { deal, events };
}

export function updateDeal(current: Deal, patch: DealPatch, ctx: CommandContext): Decision {
  assertMayChangeDeal(ctx.actor, current);
  if (patch.ownerId && patch.ownerId !== current.ownerId && !hasRole(ctx.actor, 'admin', 'manager')) {
    throw new Forbidden('only managers and admins reassign deals');
  }
  if (
    patch.value &&
    current.lineItemTotals &&
    JSON.stringify(patch.value) !== JSON.stringify(current.value)
  ) {
    throw new ValidationFailed([
      {
        path: 'value',
        message: `follows the deal's line items (${current.lineItemTotals.count}): change them with PUT /deals/${current.id}/line-items`,
      },
    ]);
  }
  const { next, changed } = applyPatch(current, patch);
  if (changed.length === 0) return { deal: current, events: [] };
  const deal = { ...next, updatedAt: ctx.now, version: current.version + 1 };
  const events = [emit(ctx, 'DealUpdated', { deal, changed })];
  if (changed.includes('ownerId')) {
    events.push(emit(ctx, 'DealOwnerChanged', { dealId: deal.id, from: current.ownerId, to: deal.ownerId }));
  }
  return { deal, events };
}

/** The stage must be one of the pipeline's (the write checks it again, atomically). */
function assertStageOf(pipeline: Pipeline, stageId: string): void {
  if (!stageOf(pipeline, stageId))
    throw new ValidationFailed([{ path: 'stageId', message: `is not a stage of pipeline ${pipeline.id}` }]);
}

/**
 * Moves an open deal to another stage of its pipeline (`pipeline`, as read with the deal). The
 * stages it passes over on the way forward count as reached (stages-reached.ts). That the stage
 * still belongs to the pipeline when the move commits is checked by the write, atomically.
 */
export function moveDeal(current: Deal, pipeline: Pipeline, stageId: string, ctx: CommandContext): Decision {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'move between stages');
  if (stageId === current.stageId) {
    throw new Conflict(`deal ${current.id} is already in stage ${stageId}`, { stageId });
  }
  assertStageOf(pipeline, stageId);
  const history = closeStageVisit(current, ctx.now);
  const deal: Deal = {
    ...current,
    stageId,
    stageEnteredAt: ctx.now,
    stageHistory: [...history, { stageId, enteredAt: ctx.now }],
    stagesReached: reachStage(pipeline, stagesCounted(current), stageId),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  const event = emit(ctx, 'DealStageChanged', {
    dealId: deal.id,
    pipelineId: deal.pipelineId,
    ownerId: deal.ownerId,
    from: current.stageId,
    to: stageId,
    secondsInPreviousStage: secondsBetween(current.stageEnteredAt, ctx.now),
    value: deal.value,
  });
  return { deal, events: [event] };
}

/**
 * Sets the next action. With `completeCurrent`, the action it replaces is recorded as a done
 * task on the deal, so the interaction history shows what was actually done.
 */
export function setNextAction(
  current: Deal,
  input: SetNextAction,
  ctx: CommandContext,
): Decision & { completedActivity?: Activity } {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'take a new next action');
  const nextAction = { summary: input.summary, dueAt: input.dueAt };
  const deal: Deal = { ...current, nextAction, updatedAt: ctx.now, version: current.version + 1 };
  const previous = current.nextAction;
  let completedActivity: Activity | undefined;
  if (input.completeCurrent && previous) {
    completedActivity = completedNextAction(current, previous, ctx, input.outcome);
  } else if (input.outcome) {
    throw new ValidationFailed([
      { path: 'outcome', message: 'is only recorded together with completeCurrent: true' },
    ]);
  }
  const events = [
    emit(ctx, 'DealNextActionSet', {
      dealId: deal.id,
      ownerId: deal.ownerId,
      nextAction,
      previous,
      completed: completedActivity
        ? {
            summary: previous!.summary,
            dueAt: previous!.dueAt,
            completedAt: ctx.now,
            ...(input.outcome ? { outcome: input.outcome } : {}),
          }
        : null,
    }),
  ];
  if (completedActivity) events.push(emit(ctx, 'ActivityCompleted', { activity: completedActivity }));
  return { deal, events, ...(completedActivity ? { completedActivity } : {}) };
}

function completedNextAction(
  deal: Deal,
  action: { summary: string; dueAt: string },
  ctx: CommandContext,
  outcome?: string,
): Activity {
  return {
    id: ctx.newId('activity'),
    type: 'task',
    subject: action.summary,
    dealId: deal.id,
    ...(deal.contactId ? { contactId: deal.contactId } : {}),
    ...(deal.companyId ? { companyId: deal.companyId } : {}),
    ownerId: deal.ownerId,
    dueAt: action.dueAt,
    occurredAt: ctx.now,
    done: true,
    doneAt: ctx.now,
    ...(outcome ? { outcome } : {}),
    createdAt: ctx.now,
    updatedAt: ctx.now,
    version: 1,
  };
}

/**
 * Closes the deal as won. The handoff facts were validated at the edge; here the stakeholder
 * must be a real contact. The event carries the deal, the customer and the handoff, so the
 * delivery side never needs to call back.
 */
export function winDeal(
  current: Deal,
  input: { handoff: HandoffFacts; templateId?: string | undefined },
  customer: { company: Company | null; mainStakeholder: Contact },
  ctx: CommandContext,
  why: { reason?: string | undefined; detail?: string | undefined } = {},
): Decision & { completedActivity?: Activity } {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'be won');
  const { templateId, handoff } = input;
  const wins = (current.wins ?? 0) + 1;
  const { nextAction: _done, wonReason: _w, wonReasonDetail: _d, ...rest } = current;
  const deal: Deal = {
    ...rest,
    nextAction: null,
    status: 'won',
    handoff,
    ...(templateId ? { templateId } : {}),
    ...(why.reason ? { wonReason: why.reason } : {}),
    ...(why.detail ? { wonReasonDetail: why.detail } : {}),
    closedAt: ctx.now,
    wins,
    stageHistory: closeStageVisit(current, ctx.now),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  const completedActivity = current.nextAction
    ? completedNextAction(current, current.nextAction, ctx, 'deal won')
    : undefined;
  const events = [
    emit(ctx, 'DealClosedWon', { deal, customer, handoff, templateId: templateId ?? null, win: wins }),
  ];
  if (completedActivity) events.push(emit(ctx, 'ActivityCompleted', { activity: completedActivity }));
  return { deal, events, ...(completedActivity ? { completedActivity } : {}) };
}

/** `why`: the reason as the workspace's list spells it (deal-reasons.ts, chooseReason), and a detail for "other". */
export function loseDeal(
  current: Deal,
  why: { reason: string; detail?: string | undefined; project?: 'on_hold' | 'cancelled' | undefined },
  ctx: CommandContext,
): Decision {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'be lost');
  if (why.project === 'cancelled' && !hasRole(ctx.actor, 'admin', 'manager')) {
    throw new Forbidden('cancelling the delivery project of a lost deal is for managers and admins');
  }
  const { reason, detail } = why;
  const deal: Deal = {
    ...current,
    nextAction: null,
    status: 'lost',
    lostReason: reason,
    ...(detail ? { lostReasonDetail: detail } : {}),
    closedAt: ctx.now,
    stageHistory: closeStageVisit(current, ctx.now),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  // a deal won before and reopened has a delivery project: the handoff function holds (or cancels) it
  const event = emit(ctx, 'DealClosedLost', {
    dealId: deal.id,
    ownerId: deal.ownerId,
    reason,
    stageId: deal.stageId,
    value: deal.value,
    ...(deal.projectId ? { projectId: deal.projectId, projectAction: why.project ?? 'on_hold' } : {}),
  });
  return { deal, events: [event] };
}

/**
 * Reopens a won or lost deal, back into a stage of its pipeline (its last one by default) with
 * a next action. A reopened deal keeps its win count and its project: won again, it updates that
 * project instead of making another.
 */
export function reopenDeal(
  current: Deal,
  pipeline: Pipeline,
  input: { nextAction: { summary: string; dueAt: string }; stageId?: string | undefined },
  ctx: CommandContext,
): Decision {
  assertMayChangeDeal(ctx.actor, current);
  if (current.status === 'open') throw new Conflict(`deal ${current.id} is open already`);
  const stageId = input.stageId ?? current.stageId;
  assertStageOf(pipeline, stageId);
  const { lostReason: _r, lostReasonDetail: _d, closedAt: _c, ...rest } = current;
  const deal: Deal = {
    ...rest,
    status: 'open',
    nextAction: input.nextAction,
    stageId,
    stageEnteredAt: ctx.now,
    stageHistory: [...current.stageHistory, { stageId, enteredAt: ctx.now }],
    stagesReached: reachStage(pipeline, stagesCounted(current), stageId),
    updatedAt: ctx.now,
    version: current.version + 1,
  };
  const event = emit(ctx, 'DealReopened', {
    dealId: deal.id,
    ownerId: deal.ownerId,
    from: current.status as 'won' | 'lost',
    stageId,
    nextAction: input.nextAction,
  });
  return { deal, events: [event] };
}

/** Silences the deal's overdue and stall flags until a future instant, with a reason. */
export function snoozeDeal(
  current: Deal,
  input: { until: string; reason: string },
  ctx: CommandContext,
): Decision {
  assertMayChangeDeal(ctx.actor, current);
  assertOpen(current, 'be snoozed');
  if (input.until <= ctx.now) {
    throw new ValidationFailed([{ path: 'until', message: 'must be in the future' }]);
  }
  const snooze = { until: input.until, reason: input.reason, by: ctx.actor.userId, at: ctx.now };
  const deal: Deal = { ...current, snooze, updatedAt: ctx.now, version: current.version + 1 };
  return {
    deal,
    events: [
      emit(ctx, 'DealSnoozed', {
        dealId: deal.id,
        ownerId: deal.ownerId,
        until: input.until,
        reason: input.reason,
      }),
    ],
  };
}

/** The stage history with its current visit closed at `now` (a move, a win, a loss). */
function closeStageVisit(deal: Deal, now: string): Deal['stageHistory'] {
  return deal.stageHistory.map((visit, i, all) => (i === all.length - 1 ? { ...visit, leftAt: now } : visit));
}

/**
 * A deal's link to a contact or company being deleted (an admin's detach=true), cleared whatever
 * the deal's status: the change is a DealUpdated like any other, so the history keeps it.
 */
export function detachDeal(current: Deal, link: 'contactId' | 'companyId', ctx: CommandContext): Decision {
  if (current[link] === undefined) return { deal: current, events: [] };
  const { [link]: _, ...rest } = current;
  // the company's name goes with the link to it
  if (link === 'companyId') delete rest.companyName;
  const deal: Deal = { ...rest, updatedAt: ctx.now, version: current.version + 1 };
  return { deal, events: [emit(ctx, 'DealUpdated', { deal, changed: [link] })] };
}

/**
 * A deal carries its company's name (`companyName`, what a card or a list shows without reading
 * the company): the command that links a company reads its name, and the deal and the events
 * that carry the deal are given it. Undefined (no company): the name goes.
 */
export function withCompanyName(decision: Decision, companyName: string | undefined): Decision {
  const named = (deal: Deal): Deal => {
    const { companyName: _, ...rest } = deal;
    return companyName !== undefined && deal.companyId ? { ...rest, companyName } : rest;
  };
  return {
    deal: named(decision.deal),
    events: decision.events.map((event) => {
      const data = event.detail.data as { deal?: Deal };
      if (data.deal?.id !== decision.deal.id) return event;
      return {
        ...event,
        detail: { ...event.detail, data: { ...data, deal: named(data.deal) } },
      } as DomainEvent;
    }),
  };
}

/**
 * An admin deletes a deal entered by mistake (rather than losing it, which would count against
 * the win rate). Its totals are reversed by the write; a project made from it is kept, marked.
 */
export function deleteDeal(current: Deal, ctx: CommandContext): DomainEvent[] {
  if (!hasRole(ctx.actor, 'admin')) throw new Forbidden('only admins delete deals; close it as lost instead');
  return [emit(ctx, 'DealDeleted', { deal: current, projectId: current.projectId ?? null })];
}

/**
 * An activity was logged on the deal: its last activity moves there (lists sort by it). The
 * stored deal changes, so its version does; nothing a person edits changes, so no deal event
 * (the ActivityLogged event names the deal).
 */
export function touchDeal(current: Deal, at: string): Deal {
  return { ...current, lastActivityAt: at, version: current.version + 1 };
}
