import type { ApiProblem } from '../api/client.js';
import { Field } from '../ui/Field.js';
import { PersonPicker } from '../ui/pickers.js';
import { moveItem } from './document-draft.js';
import { Group } from './ListFields.js';
import { PathErrors, within } from './PathErrors.js';
import {
  type ApproverRole,
  anchorChoice,
  type DependencyType,
  keyFrom,
  newTask,
  numberOr,
  removeTask,
  renameTaskKey,
  setAnchor,
  setMilestone,
  type TaskDraft,
  type TemplateDraft,
} from './template-draft.js';

// A kickoff template's fields (docs/api.md, "The delivery rules the API enforces"): its name,
// default delivery owner, kickoff checklist and tasks, each task with its duration in business
// days, where it starts from, approval, section and the tasks it waits for. Shared by the new
// template's form and the editor of an existing one.

const DEPENDENCY_TYPES: { type: DependencyType; label: string }[] = [
  { type: 'FS', label: 'starts after it finishes (FS)' },
  { type: 'SS', label: 'starts when it starts (SS)' },
  { type: 'FF', label: 'finishes when it finishes (FF)' },
  { type: 'SF', label: 'finishes when it starts (SF)' },
];

const ROLES: ApproverRole[] = ['manager', 'admin', 'delivery', 'sales'];

interface TemplateFieldsProps {
  draft: TemplateDraft;
  edit: (change: (d: TemplateDraft) => void) => void;
  /** An edit that changes the order or length of a list: the last refusal's paths no longer fit. */
  restructure: (change: (d: TemplateDraft) => void) => void;
  problem: ApiProblem | null;
  isDefault?: boolean;
}

/** The paths whose errors these fields show (with everything inside them). */
export function templateFieldPaths(d: TemplateDraft): { shown: string[]; exact: string[] } {
  const keys = new Set(d.tasks.map((t) => t.key));
  return {
    shown: [
      'name',
      'description',
      'defaultOwnerId',
      ...d.checklist.map((_, i) => `checklist.${i}`),
      ...d.tasks.map((_, i) => `tasks.${i}`),
      ...d.dependencies.flatMap((dep, j) => (keys.has(dep.successor) ? [`dependencies.${j}`] : [])),
    ],
    exact: ['tasks', 'checklist', 'dependencies'],
  };
}

export function TemplateFields({ draft: d, edit, restructure, problem, isDefault }: TemplateFieldsProps) {
  const text = (path: string, label: string, get: () => string, set: (v: string) => void) => (
    <Field label={label} path={path} problem={within(problem, path)}>
      {(p) => <input {...p} type="text" value={get()} onChange={(e) => set(e.target.value)} />}
    </Field>
  );
  return (
    <>
      {text(
        'name',
        'Name',
        () => d.name ?? '',
        (v) =>
          edit((x) => {
            x.name = v;
          }),
      )}
      {isDefault && (
        <p className="muted">
          The default template: a win that names no template plans its project from this one.
        </p>
      )}
      <Field label="Description" path="description" problem={within(problem, 'description')}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={d.description ?? ''}
            onChange={(e) =>
              edit((x) => {
                if (e.target.value) x.description = e.target.value;
                else delete x.description;
              })
            }
          />
        )}
      </Field>
      <Field
        label="Default delivery owner"
        path="defaultOwnerId"
        kind="choice"
        problem={within(problem, 'defaultOwnerId')}
        hint="Owns each project made from this template when the win names no owner."
      >
        {(p) => (
          <PersonPicker
            field={p}
            value={d.defaultOwnerId ?? ''}
            noneLabel="Nobody: the deal's owner"
            onChange={(id) =>
              edit((x) => {
                if (id) x.defaultOwnerId = id;
                else delete x.defaultOwnerId;
              })
            }
          />
        )}
      </Field>
      <Group legend="Kickoff checklist" path="checklist" problem={problem} className="checklist">
        <p className="hint muted">Ticked before the project becomes active.</p>
        <ol className="list-items">
          {d.checklist.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an item is its place in the list (its path)
            <li key={i} className="row">
              <Field
                label={`Checklist item ${i + 1}`}
                path={`checklist.${i}.title`}
                problem={within(problem, `checklist.${i}.title`)}
              >
                {(p) => (
                  <input
                    {...p}
                    type="text"
                    value={item.title ?? ''}
                    onChange={(e) =>
                      edit((x) => {
                        x.checklist[i]!.title = e.target.value;
                      })
                    }
                    onBlur={() => {
                      if (!item.key && item.title?.trim())
                        edit((x) => {
                          x.checklist[i]!.key = keyFrom(
                            item.title,
                            x.checklist.map((c) => c.key),
                          );
                        });
                    }}
                  />
                )}
              </Field>
              <Field
                label={`Checklist item ${i + 1} key`}
                path={`checklist.${i}.key`}
                problem={within(problem, `checklist.${i}.key`)}
              >
                {(p) => (
                  <input
                    {...p}
                    type="text"
                    size={14}
                    value={item.key ?? ''}
                    onChange={(e) =>
                      edit((x) => {
                        x.checklist[i]!.key = e.target.value;
                      })
                    }
                  />
                )}
              </Field>
              <button
                type="button"
                className="quiet"
                aria-label={`Remove checklist item ${i + 1}`}
                onClick={() => restructure((x) => x.checklist.splice(i, 1))}
              >
                Remove
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="quiet"
          onClick={() => restructure((x) => x.checklist.push({ key: '', title: '' }))}
        >
          Add a checklist item
        </button>
      </Group>
      <Group legend="Tasks, in plan order" path="tasks" problem={problem} className="tasks">
        <PathErrors problem={problem} path="dependencies" />
        <ol className="template-tasks">
          {d.tasks.map((task, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a task is its place in the list (its path)
            <li key={i}>
              <TaskFields
                draft={d}
                task={task}
                index={i}
                problem={problem}
                edit={(change) => edit((x) => change(x.tasks[i]!, x))}
                restructure={restructure}
              />
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => restructure((x) => x.tasks.push(newTask()))}>
          Add a task
        </button>
      </Group>
      <OrphanDependencies draft={d} restructure={restructure} />
    </>
  );
}

interface TaskFieldsProps {
  draft: TemplateDraft;
  task: TaskDraft;
  index: number;
  problem: ApiProblem | null;
  edit: (change: (task: TaskDraft, d: TemplateDraft) => void) => void;
  restructure: (change: (d: TemplateDraft) => void) => void;
}

function TaskFields({ draft: d, task, index: i, problem, edit, restructure }: TaskFieldsProps) {
  const at = `tasks.${i}`;
  const others = d.tasks.filter((t, j) => j !== i && t.key);
  const titleOf = (key: string) => d.tasks.find((t) => t.key === key)?.title || key;
  const approval = task.approval?.approverUserId !== undefined ? 'user' : task.approval ? 'role' : 'none';
  const waitsFor = d.dependencies.flatMap((dep, j) => (task.key && dep.successor === task.key ? [j] : []));
  const field = (path: string) => ({ path: `${at}.${path}`, problem: within(problem, `${at}.${path}`) });
  return (
    <Group legend={`Task ${i + 1}`} path={at} problem={problem} className="template-task">
      <div className="row">
        <Field label="Title" {...field('title')}>
          {(p) => (
            <input
              {...p}
              type="text"
              value={task.title ?? ''}
              onChange={(e) =>
                edit((t) => {
                  t.title = e.target.value;
                })
              }
              onBlur={() => {
                if (!task.key && task.title.trim())
                  edit((t, x) => {
                    t.key = keyFrom(
                      t.title,
                      x.tasks.map((o) => o.key),
                    );
                  });
              }}
            />
          )}
        </Field>
        <Field label="Key" {...field('key')} hint="Made from the title; letters, digits and -">
          {(p) => (
            <input
              {...p}
              type="text"
              size={14}
              value={task.key ?? ''}
              onChange={(e) => edit((_, x) => renameTaskKey(x, i, e.target.value))}
            />
          )}
        </Field>
        <Field label="Duration (business days)" kind="number" {...field('durationDays')}>
          {(p) => (
            <input
              {...p}
              type="number"
              min="0"
              step="1"
              value={task.durationDays ?? ''}
              onChange={(e) =>
                edit((t) => {
                  t.durationDays = numberOr(e.target.value, null);
                })
              }
            />
          )}
        </Field>
        <label className="inline">
          <input
            type="checkbox"
            checked={task.milestone ?? false}
            onChange={(e) => edit((t) => setMilestone(t, e.target.checked))}
          />
          Milestone
        </label>
      </div>
      <div className="row">
        <Field label="Starts" kind="choice" {...field('anchor')}>
          {(p) => (
            <select
              {...p}
              value={anchorChoice(task)}
              onChange={(e) => edit((t) => setAnchor(t, e.target.value))}
            >
              <option value="kickoff">from the kickoff</option>
              <option value="promisedDueDate">from the promised due date</option>
              {others.map((o) => (
                <option key={o.key} value={`task:${o.key}`}>
                  after “{o.title || o.key}” finishes
                </option>
              ))}
              {task.anchor?.to === 'task' && !others.some((o) => o.key === task.anchor?.taskKey) && (
                <option value={anchorChoice(task)}>after a task not in this template</option>
              )}
            </select>
          )}
        </Field>
        <Field
          label="Offset (business days)"
          kind="number"
          {...field('anchor.offsetDays')}
          hint="Negative: before it"
        >
          {(p) => (
            <input
              {...p}
              type="number"
              step="1"
              value={task.anchor?.offsetDays ?? 0}
              onChange={(e) =>
                edit((t) => {
                  t.anchor = { ...(t.anchor ?? { to: 'kickoff' }), offsetDays: numberOr(e.target.value, 0) };
                })
              }
            />
          )}
        </Field>
        <Field label="Section" {...field('section')} hint="A heading it is listed under">
          {(p) => (
            <input
              {...p}
              type="text"
              value={task.section ?? ''}
              onChange={(e) =>
                edit((t) => {
                  if (e.target.value) t.section = e.target.value;
                  else delete t.section;
                })
              }
            />
          )}
        </Field>
        <Field label="Estimate (hours)" kind="number" {...field('estimateHours')}>
          {(p) => (
            <input
              {...p}
              type="number"
              min="0"
              step="any"
              value={task.estimateHours ?? ''}
              onChange={(e) =>
                edit((t) => {
                  const hours = numberOr(e.target.value, undefined);
                  if (hours === undefined) delete t.estimateHours;
                  else t.estimateHours = hours;
                })
              }
            />
          )}
        </Field>
      </div>
      <div className="row">
        <Field label="Approval" kind="choice" {...field('approval')}>
          {(p) => (
            <select
              {...p}
              value={approval}
              onChange={(e) =>
                edit((t) => {
                  if (e.target.value === 'none') delete t.approval;
                  else if (e.target.value === 'role') t.approval = { approverRole: 'manager' };
                  else t.approval = { approverUserId: '' };
                })
              }
            >
              <option value="none">none</option>
              <option value="role">approved by a role</option>
              <option value="user">approved by a person</option>
            </select>
          )}
        </Field>
        {approval === 'role' && (
          <Field label="Approving role" kind="choice" {...field('approval.approverRole')}>
            {(p) => (
              <select
                {...p}
                value={task.approval?.approverRole ?? ''}
                onChange={(e) =>
                  edit((t) => {
                    t.approval = { approverRole: e.target.value as ApproverRole };
                  })
                }
              >
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
        )}
        {approval === 'user' && (
          <Field label="Approver" kind="choice" {...field('approval.approverUserId')}>
            {(p) => (
              <PersonPicker
                field={p}
                value={task.approval?.approverUserId ?? ''}
                onChange={(id) =>
                  edit((t) => {
                    t.approval = { approverUserId: id };
                  })
                }
              />
            )}
          </Field>
        )}
      </div>
      <Field label="Description" {...field('description')}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={task.description ?? ''}
            onChange={(e) =>
              edit((t) => {
                if (e.target.value) t.description = e.target.value;
                else delete t.description;
              })
            }
          />
        )}
      </Field>
      <fieldset className="waits-for">
        <legend>Waits for</legend>
        {waitsFor.length === 0 && <p className="muted">No other task.</p>}
        <ol className="list-items">
          {waitsFor.map((j, n) => {
            const dep = d.dependencies[j]!;
            const on = (part: string) => ({
              path: `dependencies.${j}.${part}`,
              problem: within(problem, `dependencies.${j}.${part}`),
            });
            return (
              <li key={j} className="row">
                <PathErrors problem={problem} path={`dependencies.${j}`} />
                <Field label={`Predecessor ${n + 1}`} kind="choice" {...on('predecessor')}>
                  {(p) => (
                    <select
                      {...p}
                      value={dep.predecessor}
                      onChange={(e) =>
                        edit((_, x) => {
                          x.dependencies[j]!.predecessor = e.target.value;
                        })
                      }
                    >
                      {!others.some((o) => o.key === dep.predecessor) && (
                        <option value={dep.predecessor}>{titleOf(dep.predecessor) || 'choose a task'}</option>
                      )}
                      {others.map((o) => (
                        <option key={o.key} value={o.key}>
                          {o.title || o.key}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`Predecessor ${n + 1} type`} kind="choice" {...on('type')}>
                  {(p) => (
                    <select
                      {...p}
                      value={dep.type ?? 'FS'}
                      onChange={(e) =>
                        edit((_, x) => {
                          x.dependencies[j]!.type = e.target.value as DependencyType;
                        })
                      }
                    >
                      {DEPENDENCY_TYPES.map((t) => (
                        <option key={t.type} value={t.type}>
                          {t.label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`Predecessor ${n + 1} lag (business days)`} kind="number" {...on('lagDays')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      step="1"
                      value={dep.lagDays ?? 0}
                      onChange={(e) =>
                        edit((_, x) => {
                          x.dependencies[j]!.lagDays = numberOr(e.target.value, 0);
                        })
                      }
                    />
                  )}
                </Field>
                <button
                  type="button"
                  className="quiet"
                  aria-label={`Remove predecessor ${n + 1}`}
                  onClick={() => restructure((x) => x.dependencies.splice(j, 1))}
                >
                  Remove
                </button>
              </li>
            );
          })}
        </ol>
        <button
          type="button"
          className="quiet"
          disabled={!task.key || others.length === 0}
          onClick={() =>
            restructure((x) =>
              x.dependencies.push({
                predecessor:
                  others.find(
                    (o) =>
                      !x.dependencies.some((dep) => dep.successor === task.key && dep.predecessor === o.key),
                  )?.key ?? others[0]!.key,
                successor: task.key,
                type: 'FS',
                lagDays: 0,
              }),
            )
          }
        >
          Add a predecessor
        </button>
      </fieldset>
      <div className="actions">
        <button
          type="button"
          className="quiet"
          disabled={i === 0}
          onClick={() => restructure((x) => moveItem(x.tasks, i, -1))}
        >
          Move up
        </button>
        <button
          type="button"
          className="quiet"
          disabled={i === d.tasks.length - 1}
          onClick={() => restructure((x) => moveItem(x.tasks, i, 1))}
        >
          Move down
        </button>
        <button type="button" className="quiet" onClick={() => restructure((x) => removeTask(x, i))}>
          Remove task
        </button>
      </div>
    </Group>
  );
}

/** Dependencies whose task is not in the template (typed in the JSON view): only removable here. */
function OrphanDependencies({
  draft: d,
  restructure,
}: {
  draft: TemplateDraft;
  restructure: (change: (d: TemplateDraft) => void) => void;
}) {
  const keys = new Set(d.tasks.map((t) => t.key));
  const orphans = d.dependencies.flatMap((dep, j) => (keys.has(dep.successor) ? [] : [{ dep, j }]));
  if (orphans.length === 0) return null;
  return (
    <fieldset>
      <legend>Dependencies of tasks not in this template</legend>
      <ul className="list-items">
        {orphans.map(({ dep, j }) => (
          <li key={j}>
            {dep.successor || '(no task)'} waits for {dep.predecessor || '(no task)'}{' '}
            <button
              type="button"
              className="quiet"
              aria-label={`Remove dependency ${j + 1}`}
              onClick={() => restructure((x) => x.dependencies.splice(j, 1))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
