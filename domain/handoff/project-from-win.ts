import type { LineItem } from '../crm/line-items.js';
import { budgetLinesFrom, rebudget } from '../delivery/budget-lines.js';
import type { WorkingCalendar } from '../delivery/calendar.js';
import { planNewProject } from '../delivery/project.commands.js';
import type { HandoffSnapshot, Project, Task } from '../delivery/project.js';
import { rescheduleProject, type TaskDecision } from '../delivery/reschedule.js';
import type { Template } from '../delivery/template.js';
import { type DomainEvent, type EventData, emit } from '../events.js';
import type { CommandContext } from '../shared/context.js';
import { Conflict } from '../shared/errors.js';
import { projectIdForDeal } from '../shared/ids.js';
import { chooseDeliveryOwner, deliveryOwnerOnRewin, type Standing } from './delivery-owner.js';

// The handoff: a won deal becomes its delivery project. Everything comes from the win itself
// (the deal, the customer, the handoff facts), the plan from the deal's template (or the
// default when it is gone, which the project notes), every date from the kickoff date, and the
// owner is its delivery owner (delivery-owner.ts), not the rep who sold it.
// The timeline check compares the plan's projected finish with the promised due date.

export type Win = EventData<'DealClosedWon'>;

/** What the won deal sold: its accepted quote's lines, or its lines at the win (none: nothing). */
export interface Sold {
  quote?: { id: string; number: string; quoteVersion: number } | undefined;
  lines: LineItem[];
}

export function snapshotOf(win: Win, receivedAt: string, sold?: Sold): HandoffSnapshot {
  return {
    version: win.win,
    dealId: win.deal.id,
    win: win.win,
    scopeSummary: win.handoff.scopeSummary,
    promisedTimeline: win.handoff.promisedTimeline,
    keyConstraints: win.handoff.keyConstraints,
    mainStakeholderContactId: win.handoff.mainStakeholderContactId,
    kickoffDate: win.handoff.kickoffDate,
    ...(win.handoff.deliveryOwnerId ? { deliveryOwnerId: win.handoff.deliveryOwnerId } : {}),
    ...(sold?.lines.length
      ? {
          sold: {
            ...(sold.quote ? { quote: sold.quote } : {}),
            lines: budgetLinesFrom(sold.lines).map((l) => ({
              lineItemId: l.id,
              ...(l.productId ? { productId: l.productId } : {}),
              name: l.name,
              unit: l.unit,
              quantity: l.quantity,
              amount: l.amount,
            })),
          },
        }
      : {}),
    receivedAt,
  };
}

/**
 * The project of a first win. `standing` says whether each person the win or the template
 * names as delivery owner is still active (read by the caller: the domain does no I/O).
 */
export function projectFromWin(
  win: Win,
  template: { template: Template; missing?: string | undefined },
  plan: {
    taskId: (projectId: string, key: string) => string;
    standing: (userId: string) => Standing;
    companyCalendar?: WorkingCalendar | undefined;
    sold?: Sold | undefined;
  },
  ctx: CommandContext,
): { project: Project; tasks: Task[]; events: DomainEvent[] } {
  const projectId = projectIdForDeal(win.deal.id);
  const notes = [
    `created from deal ${win.deal.id} (win ${win.win}) with template ${template.template.name} v${template.template.version}`,
  ];
  if (template.missing)
    notes.push(`template ${template.missing} no longer exists; the default template was used`);
  const owner = chooseDeliveryOwner(
    { winner: win.handoff.deliveryOwnerId, template: template.template, dealOwnerId: win.deal.ownerId },
    plan.standing,
  );
  notes.push(...owner.notes);
  const { taskId, companyCalendar } = plan;
  const planned = planNewProject(
    {
      projectId,
      name: win.deal.title,
      kickoffDate: win.handoff.kickoffDate,
      promisedDueDate: win.handoff.promisedTimeline.dueDate,
      ownerId: owner.ownerId,
      customer: {
        ...(win.customer.company ? { companyId: win.customer.company.id } : {}),
        mainStakeholderContactId: win.customer.mainStakeholder.id,
      },
      dealId: win.deal.id,
      dealOwnerId: win.deal.ownerId,
      handoff: snapshotOf(win, ctx.now, plan.sold),
      budgetLines: plan.sold ? budgetLinesFrom(plan.sold.lines) : undefined,
      template: template.template,
      companyCalendar,
      notes,
      taskId: (key) => taskId(projectId, key),
    },
    ctx,
  );
  const { schedule } = planned.project;
  if (schedule.atRisk && schedule.projectedFinish && schedule.promisedDueDate) {
    planned.events.push(
      emit(ctx, 'HandoffTimelineAtRisk', {
        projectId,
        dealId: win.deal.id,
        dealOwnerId: win.deal.ownerId,
        projectOwnerId: planned.project.ownerId,
        kickoffDate: win.handoff.kickoffDate,
        promisedDueDate: schedule.promisedDueDate,
        projectedFinish: schedule.projectedFinish,
        shortfallDays: schedule.shortfallDays,
      }),
    );
  }
  return planned;
}

/**
 * A reopened deal won again: the project gains the new handoff snapshot (the old ones stay as
 * they were given), takes the new promise and the deal owner, and, unless the win says
 * `replan: false`, the new kickoff, from which the plan is scheduled again (tasks, progress and
 * edits kept; dates moved). A project put on hold when the deal was lost resumes; a cancelled
 * one is planned again. The promise is watched across all of it. A win it already has is
 * nothing to do.
 *
 * The delivery owner stays unless this win names an active one (deliveryOwnerOnRewin;
 * `standing`, read by the caller).
 */
export function rewin(
  project: Project,
  tasks: Task[],
  win: Win,
  ctx: CommandContext,
  standing: (userId: string) => Standing,
  sold?: Sold,
): (TaskDecision & { events: DomainEvent[] }) | null {
  if (project.handoffs.some((h) => h.win >= win.win)) return null;
  if (project.dealId !== win.deal.id)
    throw new Conflict(`project ${project.id} delivers deal ${project.dealId}, not ${win.deal.id}`);
  const handoff = snapshotOf(win, ctx.now, sold);
  const previous = project.handoffs.at(-1);
  const changed = previous
    ? (
        [
          'scopeSummary',
          'promisedTimeline',
          'keyConstraints',
          'mainStakeholderContactId',
          'kickoffDate',
          'deliveryOwnerId',
          'sold',
        ] as const
      ).filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(handoff[k]))
    : [];
  const replan = win.handoff.replan !== false;
  const notes = [
    `deal won again (win ${win.win}); handoff snapshot v${handoff.version}${changed.length ? ` changes ${changed.join(', ')}` : ' is unchanged'}`,
  ];
  if (!replan && handoff.kickoffDate !== project.kickoffDate)
    notes.push(
      `the plan keeps its kickoff ${project.kickoffDate} (the win asked for ${handoff.kickoffDate}, replan: false)`,
    );
  const events: DomainEvent[] = [
    emit(ctx, 'ProjectHandoffUpdated', {
      projectId: project.id,
      dealId: win.deal.id,
      handoff,
      previousVersion: previous?.version ?? 0,
    }),
  ];
  const { ownerId, notes: ownerNotes } = deliveryOwnerOnRewin(
    project.ownerId,
    { winner: win.handoff.deliveryOwnerId, win: win.win },
    standing,
  );
  notes.push(...ownerNotes);
  let status = project.status;
  if (project.status === 'on_hold' || project.status === 'cancelled') {
    status = project.status === 'on_hold' ? (project.heldFrom ?? 'planned') : 'planned';
    notes.push(`the deal is won again: the ${project.status.replace('_', ' ')} project is ${status} again`);
    events.push(
      emit(ctx, 'ProjectStatusChanged', { projectId: project.id, from: project.status, to: status }),
    );
  }
  const { heldFrom: _held, ...rest } = project;
  const next: Project = {
    ...rest,
    status,
    ownerId,
    handoffs: [...project.handoffs, handoff],
    dealOwnerId: win.deal.ownerId,
    customer: { ...project.customer, mainStakeholderContactId: handoff.mainStakeholderContactId },
    ...(replan ? { kickoffDate: handoff.kickoffDate } : {}),
    promisedDueDate: handoff.promisedTimeline.dueDate,
    // the new win's lines are the budget; what was logged against a line kept stays on it
    ...(sold?.lines.length
      ? { budgetLines: rebudget(project.budgetLines ?? [], budgetLinesFrom(sold.lines)) }
      : {}),
    notes: [...project.notes, ...notes.map((text) => ({ at: ctx.now, text }))],
    updatedAt: ctx.now,
    version: project.version + 1,
  };
  const decision = rescheduleProject(next, tasks, { kind: 'deal-won-again' }, ctx, project);
  // a new delivery owner is a project change like any other: integrators hear it the same way
  if (ownerId !== project.ownerId)
    events.push(
      emit(ctx, 'ProjectUpdated', {
        project: decision.project,
        changed: ['ownerId'],
        previousOwnerId: project.ownerId,
      }),
    );
  return { ...decision, events: [...events, ...decision.events] };
}
