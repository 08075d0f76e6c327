import type { Schemas } from '../api/client.js';

// A kickoff template as its form edits it: the body of POST /templates (and, key by key, of
// PATCH /templates/{id}), as loose as the JSON view lets a person type it; the API checks it and
// names each wrong field by path (`tasks.1.anchor.taskKey`). Tasks are referred to by key, so
// renaming a key renames it in the dependencies and anchors, and removing a task removes the
// dependencies on it and anchors its followers to the kickoff instead.

export type DependencyType = 'FS' | 'SS' | 'FF' | 'SF';
export type AnchorTo = 'kickoff' | 'promisedDueDate' | 'task';
export type ApproverRole = 'admin' | 'manager' | 'sales' | 'delivery';

export interface TaskDraft {
  key: string;
  title: string;
  description?: string;
  /** null while the input is empty: the API says "enter a number". */
  durationDays: number | null;
  anchor?: { to: AnchorTo; taskKey?: string; offsetDays?: number };
  estimateHours?: number;
  milestone?: boolean;
  approval?: { approverRole?: ApproverRole; approverUserId?: string };
  section?: string;
}

export interface DependencyDraft {
  predecessor: string;
  successor: string;
  type?: DependencyType;
  lagDays?: number;
}

export interface TemplateDraft {
  name: string;
  description?: string;
  /** Edited in the JSON view only (a customer site's working days and holidays). */
  calendar?: Schemas['WorkingCalendar'];
  checklist: { key: string; title: string }[];
  tasks: TaskDraft[];
  dependencies: DependencyDraft[];
  /** Who delivers a project made from it when the win names nobody (else the deal's owner). */
  defaultOwnerId?: string;
}

export type TemplateRecord = Schemas['Template'];

/** The fields a PATCH may change, in the form's order. */
export const PATCHABLE = [
  'name',
  'description',
  'calendar',
  'checklist',
  'tasks',
  'dependencies',
  'defaultOwnerId',
] as const;

export function templateDraftOf(t: TemplateRecord): TemplateDraft {
  return {
    name: t.name,
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.calendar ? { calendar: t.calendar } : {}),
    checklist: t.checklist,
    tasks: t.tasks as TaskDraft[],
    dependencies: t.dependencies,
    ...(t.defaultOwnerId ? { defaultOwnerId: t.defaultOwnerId } : {}),
  };
}

export const newTask = (): TaskDraft => ({ key: '', title: '', durationDays: 1 });

export const newTemplateDraft = (): TemplateDraft => ({
  name: '',
  checklist: [],
  tasks: [newTask()],
  dependencies: [],
});

/** What a PATCH sends: the fields that differ from the version read, a removed one as null. */
export function templatePatchOf(base: TemplateDraft, draft: TemplateDraft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of PATCHABLE) {
    if (JSON.stringify(base[key]) !== JSON.stringify(draft[key])) patch[key] = draft[key] ?? null;
  }
  return patch;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON typed in the advanced view as a draft, or why the form cannot show it. */
export function parseTemplateDraft(value: unknown): TemplateDraft | Error {
  if (!isObject(value)) return new Error('Write {"name", "tasks": [ … ], "dependencies": [ … ], …}.');
  for (const list of ['tasks', 'dependencies', 'checklist'] as const) {
    if (!Array.isArray(value[list])) return new Error(`Write "${list}": [ … ] (a list, even an empty one).`);
    if (!(value[list] as unknown[]).every(isObject))
      return new Error(`Each of "${list}" must be an object { … }.`);
  }
  for (const [i, task] of (value.tasks as Record<string, unknown>[]).entries()) {
    for (const part of ['anchor', 'approval'] as const)
      if (task[part] !== undefined && !isObject(task[part]))
        return new Error(`Task ${i + 1}: "${part}" must be an object { … }.`);
  }
  return value as unknown as TemplateDraft;
}

/** A key from a title: "Design & review" → "design-review", unique among `taken`. */
export function keyFrom(title: string, taken: string[]): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 36)
      .replace(/-+$/, '') || 'task';
  let key = base;
  for (let n = 2; taken.includes(key); n++) key = `${base}-${n}`;
  return key;
}

/** A task's key changed: dependencies and anchors that named the old key follow it. */
export function renameTaskKey(d: TemplateDraft, index: number, key: string): void {
  const task = d.tasks[index]!;
  const old = task.key;
  task.key = key;
  if (d.tasks.some((t, i) => i !== index && t.key === old)) return;
  for (const dep of d.dependencies) {
    if (dep.predecessor === old) dep.predecessor = key;
    if (dep.successor === old) dep.successor = key;
  }
  for (const t of d.tasks) if (t.anchor?.to === 'task' && t.anchor.taskKey === old) t.anchor.taskKey = key;
}

export function removeTask(d: TemplateDraft, index: number): void {
  const [task] = d.tasks.splice(index, 1);
  const key = task?.key;
  if (key === undefined || d.tasks.some((t) => t.key === key)) return;
  d.dependencies = d.dependencies.filter((dep) => dep.predecessor !== key && dep.successor !== key);
  for (const t of d.tasks)
    if (t.anchor?.to === 'task' && t.anchor.taskKey === key) t.anchor = { to: 'kickoff', offsetDays: 0 };
}

/** The task becomes a milestone (0 days, as the API requires) or a task again. */
export function setMilestone(task: TaskDraft, on: boolean): void {
  task.milestone = on;
  if (on) task.durationDays = 0;
}

/** "kickoff", "promisedDueDate" or "task:<key>": where a task starts from. */
export function anchorChoice(task: TaskDraft): string {
  const a = task.anchor;
  if (!a || a.to === 'kickoff') return 'kickoff';
  return a.to === 'task' ? `task:${a.taskKey ?? ''}` : a.to;
}

export function setAnchor(task: TaskDraft, choice: string): void {
  const offsetDays = task.anchor?.offsetDays ?? 0;
  task.anchor = choice.startsWith('task:')
    ? { to: 'task', taskKey: choice.slice(5), offsetDays }
    : { to: choice as AnchorTo, offsetDays };
}

/** A number input's text as the draft's value: '' → absent (or null where one is required). */
export const numberOr = <E>(text: string, empty: E): number | E =>
  text.trim() === '' ? empty : Number(text);

const PART_LABELS: Record<string, string> = {
  key: 'key',
  title: 'title',
  description: 'description',
  durationDays: 'duration',
  anchor: 'start',
  'anchor.to': 'start',
  'anchor.taskKey': 'start',
  'anchor.offsetDays': 'start offset',
  estimateHours: 'estimate',
  milestone: 'milestone',
  approval: 'approval',
  'approval.approverRole': 'approving role',
  'approval.approverUserId': 'approver',
  section: 'section',
  predecessor: 'predecessor',
  successor: 'task',
  type: 'type',
  lagDays: 'lag',
};

/** "tasks.1.durationDays" → "Task 2 duration". */
export function templatePathLabel(path: string): string {
  const m = /^(tasks|dependencies|checklist)\.(\d+)(?:\.(.+))?$/.exec(path);
  const top: Record<string, string> = {
    name: 'Name',
    description: 'Description',
    calendar: 'Working calendar',
    defaultOwnerId: 'Default delivery owner',
    tasks: 'Tasks',
    dependencies: 'Dependencies',
    checklist: 'Kickoff checklist',
  };
  if (!m) return top[path] ?? (path.startsWith('calendar.') ? `Working calendar (${path.slice(9)})` : path);
  const what = { tasks: 'Task', dependencies: 'Dependency', checklist: 'Checklist item' }[m[1]!]!;
  const part = m[3] ? (PART_LABELS[m[3]] ?? m[3]) : '';
  return `${what} ${Number(m[2]) + 1}${part ? ` ${part}` : ''}`;
}
