import { describe, expect, it } from 'vitest';
import { scheduleReport } from '../../../domain/delivery/plan.js';
import { planNewProject } from '../../../domain/delivery/project.commands.js';
import {
  NewDependency,
  NewTask,
  NewTimeEntry,
  type Task,
  TaskPatch,
} from '../../../domain/delivery/project.js';
import {
  addDependency,
  addTask,
  decideApproval,
  logTime,
  removeDependency,
  updateTask,
} from '../../../domain/delivery/task.commands.js';
import { defaultTemplate } from '../../../domain/delivery/template.js';
import { Conflict, Forbidden, ValidationFailed } from '../../../domain/shared/errors.js';
import { planTaskId } from '../../../domain/shared/ids.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, context, dana, manager } from '../support.js';

// The task commands as pure functions: a project planned from the default template (kickoff →
// discovery → plan approval → build → acceptance → handover, each finish-to-start), changed
// without a database.

const KICKOFF = '2030-01-07'; // a Monday

function planned() {
  const projectId = 'prj_0001';
  const { project, tasks } = planNewProject(
    {
      projectId,
      name: 'Rollout',
      kickoffDate: KICKOFF,
      promisedDueDate: '2030-06-28',
      ownerId: dana.userId,
      customer: {},
      template: defaultTemplate('2029-12-01T00:00:00.000Z'),
      taskId: (key) => planTaskId(projectId, key),
    },
    context(dana),
  );
  const byKey = (key: string) => tasks.find((t) => t.key === key)!;
  return { project, tasks, byKey };
}

/** Every finish-to-start dependency holds: the successor starts after its predecessor is due. */
function expectFinishToStartHolds(tasks: Task[]) {
  for (const task of tasks) {
    for (const d of task.dependencies.filter((x) => x.type === 'FS')) {
      const predecessor = tasks.find((t) => t.id === d.predecessorId)!;
      if (predecessor.durationDays === 0)
        expect(task.startDate >= predecessor.dueDate, task.title).toBe(true);
      else expect(task.startDate > predecessor.dueDate, task.title).toBe(true);
    }
  }
}

const merged = (tasks: Task[], changed: Task[]) => tasks.map((t) => changed.find((c) => c.id === t.id) ?? t);

describe('task commands (pure)', () => {
  it('stretching a task moves every dependent after it and says why, task by task', () => {
    const { project, tasks, byKey } = planned();
    const build = byKey('build');
    const decision = updateTask(project, tasks, build, parse(TaskPatch, { durationDays: 25 }), context(dana));
    const after = merged(tasks, decision.changed);
    expectFinishToStartHolds(after);
    const moved = decision.events.filter((e) => e.detailType === 'TaskRescheduled').map((e) => e.detail.data);
    expect(moved.map((m) => (m as { taskId: string }).taskId).sort()).toEqual(
      [build.id, byKey('acceptance').id, byKey('handover').id].sort(),
    );
    expect(decision.movedOnly.sort()).toEqual([byKey('acceptance').id, byKey('handover').id].sort());
    // nothing before the build moves
    for (const key of ['kickoff', 'discovery', 'plan-approval'])
      expect(decision.changed.map((t) => t.id)).not.toContain(byKey(key).id);
  });

  it('adds a task after another (a dependency added next) and schedules it after its predecessor', () => {
    const { project, tasks, byKey } = planned();
    const added = addTask(
      project,
      tasks,
      parse(NewTask, { title: 'Training', durationDays: 3 }),
      context(dana),
    );
    const training = added.changed.find((t) => t.title === 'Training')!;
    expect(training).toMatchObject({ status: 'todo', durationDays: 3, version: 1 });
    const withTraining = merged([...tasks, training], added.changed);
    const linked = addDependency(
      added.project,
      withTraining,
      training,
      parse(NewDependency, { predecessorId: byKey('acceptance').id }),
      context(dana),
    );
    const after = merged(withTraining, linked.changed);
    expectFinishToStartHolds(after);
    expect(after.find((t) => t.id === training.id)!.startDate > byKey('acceptance').dueDate).toBe(true);
    // and removed again, it starts at the kickoff once more
    const unlinked = removeDependency(
      linked.project,
      after,
      after.find((t) => t.id === training.id)!,
      byKey('acceptance').id,
      context(dana),
    );
    expect(unlinked.changed.find((t) => t.id === training.id)!.startDate).toBe(KICKOFF);
  });

  it('refuses a dependency that would close a cycle, naming it', () => {
    const { project, tasks, byKey } = planned();
    const kickoff = byKey('kickoff');
    expect(() =>
      addDependency(
        project,
        tasks,
        kickoff,
        parse(NewDependency, { predecessorId: byKey('handover').id }),
        context(dana),
      ),
    ).toThrow(/cycle/);
    try {
      addDependency(
        project,
        tasks,
        kickoff,
        parse(NewDependency, { predecessorId: byKey('handover').id }),
        context(dana),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationFailed);
    }
  });

  it('an approval is decided by its approver role or an admin, once, after what it depends on', () => {
    const { project, tasks, byKey } = planned();
    const step = byKey('plan-approval');
    expect(() => decideApproval(project, tasks, step, { decision: 'approved' }, context(dana))).toThrow(
      Forbidden,
    );
    // discovery (its finish-to-start predecessor) is still to do: approving is as refused as ticking it done
    expect(() => decideApproval(project, tasks, step, { decision: 'approved' }, context(manager))).toThrow(
      /cannot be done before .*Discovery/,
    );
    // changes can be requested meanwhile; that does not finish it
    expect(
      decideApproval(project, tasks, step, { decision: 'changes_requested' }, context(manager)).changed[0]!
        .status,
    ).toBe('in_progress');
    const ready = tasks.map((t) =>
      t.key === 'kickoff' || t.key === 'discovery' ? { ...t, status: 'done' as const } : t,
    );
    const decided = decideApproval(
      project,
      ready,
      step,
      { decision: 'approved', comment: 'fine' },
      context(manager),
    );
    const approved = decided.changed[0]!;
    expect(approved).toMatchObject({
      status: 'done',
      approval: { status: 'approved', decidedBy: manager.userId },
    });
    expect(decided.events.map((e) => e.detailType)).toEqual(['ApprovalDecided', 'TaskStatusChanged']);
    expect(() =>
      decideApproval(project, ready, approved, { decision: 'approved' }, context(manager)),
    ).toThrow(Conflict);
  });

  it('logged time adds to the project burn; not in the future, and not by sales', () => {
    const { project, byKey } = planned();
    const entry = parse(NewTimeEntry, { date: '2029-12-31', minutes: 90 });
    const logged = logTime(project, byKey('discovery'), entry, context(dana));
    expect(logged.entry).toMatchObject({ minutes: 90, billable: true, userId: dana.userId });
    expect(logged.project.totals.actualMinutes).toBe(project.totals.actualMinutes + 90);
    expect(logged.project.totals.billableMinutes).toBe(project.totals.billableMinutes + 90);
    expect(logged.project.version).toBe(project.version + 1);
    const future = parse(NewTimeEntry, { date: KICKOFF, minutes: 90 });
    expect(() => logTime(project, byKey('discovery'), future, context(dana))).toThrow(ValidationFailed);
    expect(() => logTime(project, byKey('discovery'), entry, context(alice))).toThrow(Forbidden);
  });

  it("the schedule report's projected finish follows the plan, and a slip past the promise is at risk", () => {
    const { project, tasks, byKey } = planned();
    const onTime = scheduleReport(project.id, project, tasks);
    expect(onTime.atRisk).toBe(false);
    const slipped = updateTask(
      project,
      tasks,
      byKey('build'),
      parse(TaskPatch, { durationDays: 200 }),
      context(dana),
    );
    const late = scheduleReport(project.id, slipped.project, merged(tasks, slipped.changed));
    expect(late.atRisk).toBe(true);
    expect(String(late.projectedFinish) > String(project.promisedDueDate)).toBe(true);
  });
});
