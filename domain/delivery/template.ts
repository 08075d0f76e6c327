import { Role } from '../shared/context.js';
import { type FieldIssue, ValidationFailed } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { WorkingCalendar } from './calendar.js';
import { topologicalOrder } from './graph.js';
import { DependencyType, MAX_LAG_DAYS } from './schedule.js';

// Kickoff templates: the plan a won deal's delivery starts from. Every date in it is relative,
// in business days, to a named anchor: the kickoff, the promised due date, or another task.

export const TemplateId = idSchema('template');

const Key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be a key: 1-40 lowercase letters, digits and -' });

const Lag = z.int().min(-MAX_LAG_DAYS).max(MAX_LAG_DAYS);

export const Anchor = z.discriminatedUnion('to', () => [
  z.strictObject(() => ({ to: z.literal('kickoff'), offsetDays: Lag.default(0) })),
  z.strictObject(() => ({ to: z.literal('promisedDueDate'), offsetDays: Lag.default(0) })),
  z.strictObject(() => ({ to: z.literal('task'), taskKey: Key, offsetDays: Lag.default(0) })),
]);

export const ApprovalStep = z
  .strictObject(() => ({ approverRole: Role.optional(), approverUserId: UserId.optional() }))
  .refine((a) => (a.approverRole === undefined) !== (a.approverUserId === undefined), {
    error: 'name the approver: a role or a user, not both',
  });

export const TemplateTask = z.strictObject(() => ({
  key: Key,
  title: text(200),
  description: text(5_000).optional(),
  /** Business days; 0 makes the task a milestone. */
  durationDays: z.int().min(0).max(1_000),
  anchor: Anchor.default({ to: 'kickoff', offsetDays: 0 }),
  estimateHours: z.number().min(0).max(100_000).optional(),
  milestone: z.boolean().default(false),
  approval: ApprovalStep.optional(),
  /** A heading the task is listed under (tasks keep the template's order). */
  section: text(100).optional(),
}));

export const TemplateDependency = z.strictObject(() => ({
  predecessor: Key,
  successor: Key,
  type: DependencyType.default('FS'),
  lagDays: Lag.default(0),
}));

export const ChecklistItem = z.strictObject(() => ({ key: Key, title: text(200) }));

const fields = {
  name: text(120),
  description: text(5_000),
  calendar: WorkingCalendar,
  checklist: z.array(ChecklistItem).max(100),
  tasks: z.array(TemplateTask).min(1).max(2_000),
  dependencies: z.array(TemplateDependency).max(10_000),
  defaultOwnerId: UserId.describe(
    "the delivery owner of a project made from a win with this template, when the win names none (an active user; 422 naming defaultOwnerId otherwise). Read when the project is made: someone deactivated since is passed over, and the deal's owner is used (noted)",
  ),
};

export const NewTemplate = z
  .strictObject(() => ({
    name: fields.name,
    description: fields.description.optional(),
    calendar: fields.calendar.optional(),
    checklist: fields.checklist.default([]),
    tasks: fields.tasks,
    dependencies: fields.dependencies.default([]),
    defaultOwnerId: fields.defaultOwnerId.optional(),
  }))
  .register(z.globalRegistry, { id: 'NewTemplate' });
export type NewTemplate = z.infer<typeof NewTemplate>;

export const TemplatePatch = z
  .strictObject(() => ({
    name: fields.name.optional(),
    description: fields.description.nullable().optional(),
    calendar: fields.calendar.nullable().optional(),
    checklist: fields.checklist.optional(),
    tasks: fields.tasks.optional(),
    dependencies: fields.dependencies.optional(),
    defaultOwnerId: fields.defaultOwnerId
      .nullable()
      .optional()
      .describe(
        'the delivery owner of projects made from wins with this template that name none (an active user); null: none, the deal owner then',
      ),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type TemplatePatch = z.infer<typeof TemplatePatch>;

export const Template = z
  .object(() => ({
    id: TemplateId,
    name: z.string(),
    description: z.string().optional(),
    calendar: WorkingCalendar.optional(),
    checklist: z.array(ChecklistItem),
    tasks: z.array(TemplateTask),
    dependencies: z.array(TemplateDependency),
    defaultOwnerId: z
      .string()
      .optional()
      .describe(
        'the delivery owner of a project made from a win with this template, when the win names none',
      ),
    isDefault: z.boolean(),
    createdAt: Instant,
    updatedAt: Instant,
    /** Each change is a new version; projects record the version they were made from. */
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Template' });
export type Template = z.infer<typeof Template>;
export type TemplateTask = z.infer<typeof TemplateTask>;

/**
 * The rules a plan must keep beyond its shape: unique keys, dependencies and anchors that name
 * real tasks, and no cycle through dependencies and task anchors. Each refusal names its path.
 */
export function assertTemplatePlan(plan: Pick<NewTemplate, 'tasks' | 'dependencies' | 'checklist'>): void {
  const issues: FieldIssue[] = [];
  const keys = new Map<string, number>();
  plan.tasks.forEach((t, i) => {
    if (keys.has(t.key))
      issues.push({
        path: `tasks.${i}.key`,
        message: `${t.key} is already the key of tasks.${keys.get(t.key)}`,
      });
    else keys.set(t.key, i);
    if (t.milestone && t.durationDays !== 0)
      issues.push({ path: `tasks.${i}.durationDays`, message: 'a milestone lasts 0 days' });
  });
  const checklistKeys = new Set<string>();
  plan.checklist.forEach((c, i) => {
    if (checklistKeys.has(c.key))
      issues.push({ path: `checklist.${i}.key`, message: `${c.key} is listed twice` });
    checklistKeys.add(c.key);
  });
  plan.tasks.forEach((t, i) => {
    if (t.anchor.to === 'task') {
      if (!keys.has(t.anchor.taskKey)) {
        issues.push({
          path: `tasks.${i}.anchor.taskKey`,
          message: `no task has the key ${t.anchor.taskKey}`,
        });
      } else if (t.anchor.taskKey === t.key) {
        issues.push({ path: `tasks.${i}.anchor.taskKey`, message: 'a task cannot be anchored to itself' });
      }
    }
  });
  const seen = new Set<string>();
  plan.dependencies.forEach((d, i) => {
    for (const side of ['predecessor', 'successor'] as const) {
      if (!keys.has(d[side]))
        issues.push({ path: `dependencies.${i}.${side}`, message: `no task has the key ${d[side]}` });
    }
    if (d.predecessor === d.successor)
      issues.push({ path: `dependencies.${i}`, message: `${d.successor} cannot depend on itself` });
    const id = `${d.predecessor}>${d.successor}`;
    if (seen.has(id))
      issues.push({
        path: `dependencies.${i}`,
        message: `${d.successor} already depends on ${d.predecessor}`,
      });
    seen.add(id);
  });
  if (issues.length === 0) {
    const edges = [
      ...plan.dependencies.map((d) => ({ from: d.predecessor, to: d.successor })),
      ...plan.tasks.flatMap((t) => (t.anchor.to === 'task' ? [{ from: t.anchor.taskKey, to: t.key }] : [])),
    ];
    const ordering = topologicalOrder([...keys.keys()], edges);
    if (!ordering.ok)
      issues.push({ path: 'dependencies', message: `the plan has a cycle: ${ordering.cycle.join(' → ')}` });
  }
  if (issues.length) throw new ValidationFailed(issues);
}

export const DEFAULT_TEMPLATE_ID = 'tpl_default';

/** The template every deployment starts with: a plain kickoff-to-handover plan. */
export function defaultTemplate(now: string): Template {
  return {
    id: DEFAULT_TEMPLATE_ID,
    name: 'Standard delivery',
    description: 'Kickoff, discovery, build, acceptance and handover, timed from the kickoff date.',
    checklist: [
      { key: 'contract-signed', title: 'Contract countersigned' },
      { key: 'team-staffed', title: 'Delivery team staffed' },
      { key: 'kickoff-booked', title: 'Kickoff meeting booked with the main stakeholder' },
    ],
    tasks: [
      {
        key: 'kickoff',
        title: 'Kickoff meeting',
        durationDays: 0,
        milestone: true,
        anchor: { to: 'kickoff', offsetDays: 0 },
      },
      {
        key: 'discovery',
        title: 'Discovery and detailed scope',
        durationDays: 5,
        estimateHours: 30,
        milestone: false,
        anchor: { to: 'kickoff', offsetDays: 0 },
      },
      {
        key: 'plan-approval',
        title: 'Plan approved by the customer',
        durationDays: 1,
        milestone: false,
        anchor: { to: 'kickoff', offsetDays: 0 },
        approval: { approverRole: 'manager' },
      },
      {
        key: 'build',
        title: 'Build and configure',
        durationDays: 15,
        estimateHours: 120,
        milestone: false,
        anchor: { to: 'kickoff', offsetDays: 0 },
      },
      {
        key: 'acceptance',
        title: 'Acceptance testing',
        durationDays: 5,
        estimateHours: 30,
        milestone: false,
        anchor: { to: 'kickoff', offsetDays: 0 },
      },
      {
        key: 'handover',
        title: 'Handover to the customer',
        durationDays: 0,
        milestone: true,
        anchor: { to: 'kickoff', offsetDays: 0 },
      },
    ],
    dependencies: [
      { predecessor: 'kickoff', successor: 'discovery', type: 'FS', lagDays: 0 },
      { predecessor: 'discovery', successor: 'plan-approval', type: 'FS', lagDays: 0 },
      { predecessor: 'plan-approval', successor: 'build', type: 'FS', lagDays: 0 },
      { predecessor: 'build', successor: 'acceptance', type: 'FS', lagDays: 0 },
      { predecessor: 'acceptance', successor: 'handover', type: 'FS', lagDays: 0 },
    ],
    isDefault: true,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
}
