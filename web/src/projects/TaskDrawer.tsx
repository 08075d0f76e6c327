import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { Dialog } from '../ui/Dialog.js';
import { Field } from '../ui/Field.js';
import { dateTime } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { PersonPicker } from '../ui/pickers.js';
import { RescheduleForm } from './RescheduleForm.js';
import { TaskTime } from './TaskTime.js';

type Task = Schemas['PlannedTask'];
type TaskPatch = {
  status?: Task['status'];
  assigneeId?: string | null;
};

interface TaskDrawerProps {
  task: Task;
  tasks: Task[];
  projectId: string;
  /** Called before a change that can move other tasks, so the page can say what moved. */
  onChanging: () => void;
  onClose: () => void;
}

export function TaskDrawer({ task, tasks, projectId, onChanging, onClose }: TaskDrawerProps) {
  const { client, userId, roles } = useSession();
  const { editDelivery } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const commentForm = useRef<HTMLFormElement>(null);
  // the assignee chosen here, sent with "Assign": a picker clears its choice on Escape, which
  // must not unassign the task on the way to closing the drawer
  const [assignee, setAssignee] = useState(task.assigneeId ?? '');
  useEffect(() => setAssignee(task.assigneeId ?? ''), [task.assigneeId]);
  const reload = () => {
    void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
    void queryClient.invalidateQueries({ queryKey: ['schedule', projectId] });
    void queryClient.invalidateQueries({ queryKey: ['task-extras', task.id] });
  };
  const patch = useMutation({
    mutationFn: (body: TaskPatch) =>
      answer(
        client.PATCH('/tasks/{id}', {
          params: { path: { id: task.id }, header: ifMatch(task.version) },
          body,
        }),
      ),
    onMutate: onChanging,
    onSettled: reload,
  });
  const dependency = useMutation({
    mutationFn: (body: Schemas['NewDependency']) =>
      answer(client.POST('/tasks/{id}/dependencies', { params: { path: { id: task.id } }, body })),
    onMutate: onChanging,
    onSettled: reload,
  });
  const comments = useQuery({
    queryKey: ['task-extras', task.id, 'comments'],
    queryFn: () => answer(client.GET('/tasks/{id}/comments', { params: { path: { id: task.id } } })),
  });
  const comment = useMutation({
    mutationFn: (body: string) =>
      answer(client.POST('/tasks/{id}/comments', { params: { path: { id: task.id } }, body: { body } })),
    onSuccess: () => {
      // only once saved: a refusal or no answer leaves what was typed
      commentForm.current?.reset();
      reload();
    },
  });
  const approval = useMutation({
    mutationFn: (decision: 'approved' | 'rejected' | 'changes_requested') =>
      answer(
        client.POST('/tasks/{id}/approval', {
          params: { path: { id: task.id }, header: ifMatch(task.version) },
          body: { decision },
        }),
      ),
    onMutate: onChanging,
    onSettled: reload,
  });
  const cancel = useMutation({
    mutationFn: (reason: string) =>
      answer(client.POST('/tasks/{id}/cancel', { params: { path: { id: task.id } }, body: { reason } })),
    onMutate: onChanging,
    onSettled: reload,
    onSuccess: onClose,
  });
  const error = patch.error ?? approval.error;
  const problem = error instanceof ApiProblem ? error : null;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const canApprove =
    task.approval?.status === 'pending' &&
    (task.approval.approverUserId === userId ||
      (task.approval.approverRole && roles.includes(task.approval.approverRole)));

  const addDependency = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    dependency.mutate({
      predecessorId: String(form.get('predecessorId')),
      type: String(form.get('type')) as 'FS',
      lagDays: Number(form.get('lagDays') || 0),
    });
  };
  const addComment = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    comment.mutate(String(new FormData(event.currentTarget).get('body') ?? '').trim());
  };

  return (
    <Dialog title={task.title} open onClose={onClose}>
      <div className="drawer">
        <ProblemAlert error={error} />
        <div className="row">
          <Field label="Status" path="status" problem={problem}>
            {(p) => (
              <select
                {...p}
                value={task.status}
                disabled={!editDelivery}
                onChange={(e) => patch.mutate({ status: e.target.value as Task['status'] })}
              >
                {(['todo', 'in_progress', 'blocked', 'done'] as const).map((s) => (
                  <option key={s} value={s}>
                    {s.replace('_', ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <form
          className="row"
          aria-label="Assign the task"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            patch.mutate({ assigneeId: assignee || null });
          }}
        >
          <Field label="Assignee" path="assigneeId" kind="choice" problem={problem}>
            {(p) => (
              <PersonPicker
                field={p}
                value={assignee}
                onChange={setAssignee}
                noneLabel="nobody"
                disabled={!editDelivery}
              />
            )}
          </Field>
          {editDelivery && assignee !== (task.assigneeId ?? '') && (
            <button type="submit" disabled={patch.isPending}>
              {assignee ? 'Assign' : 'Unassign'}
            </button>
          )}
        </form>
        <RescheduleForm task={task} projectId={projectId} onChanging={onChanging} />
        <p className="muted">
          Due {task.dueDate} · {task.progress.percentComplete}% done
        </p>
        <section aria-labelledby="deps">
          <h3 id="deps">Depends on</h3>
          <ul>
            {task.dependencies.map((d) => (
              <li key={d.predecessorId}>
                {byId.get(d.predecessorId)?.title ?? 'a task no longer in the plan'} ({d.type}
                {d.lagDays ? `, ${d.lagDays} day lag` : ''})
              </li>
            ))}
            {task.dependencies.length === 0 && <li className="muted">nothing</li>}
          </ul>
          {editDelivery && (
            <form onSubmit={addDependency} noValidate className="row">
              <ProblemAlert error={dependency.error} />
              <Field
                label="Predecessor"
                path="predecessorId"
                problem={dependency.error instanceof ApiProblem ? dependency.error : null}
              >
                {(p) => (
                  <select {...p}>
                    {tasks
                      .filter((t) => t.id !== task.id)
                      .map((t) => (
                        <option key={t.id} value={t.id}>
                          {t.title}
                        </option>
                      ))}
                  </select>
                )}
              </Field>
              <Field
                label="Type"
                path="type"
                problem={dependency.error instanceof ApiProblem ? dependency.error : null}
              >
                {(p) => (
                  <select {...p}>
                    <option value="FS">finish to start</option>
                    <option value="SS">start to start</option>
                    <option value="FF">finish to finish</option>
                    <option value="SF">start to finish</option>
                  </select>
                )}
              </Field>
              <Field
                label="Lag (days)"
                path="lagDays"
                kind="number"
                problem={dependency.error instanceof ApiProblem ? dependency.error : null}
              >
                {(p) => <input {...p} type="number" defaultValue={0} />}
              </Field>
              <button type="submit" disabled={dependency.isPending}>
                Add
              </button>
            </form>
          )}
        </section>
        {task.approval && (
          <section aria-labelledby="approval">
            <h3 id="approval">Approval</h3>
            <p>
              {task.approval.status.replace('_', ' ')}
              {task.approval.decidedBy ? ` by ${nameOf(task.approval.decidedBy)}` : ''}
            </p>
            {canApprove && (
              <div className="actions">
                <button type="button" onClick={() => approval.mutate('approved')}>
                  Approve
                </button>
                <button type="button" onClick={() => approval.mutate('changes_requested')}>
                  Request changes
                </button>
                <button type="button" className="danger" onClick={() => approval.mutate('rejected')}>
                  Reject
                </button>
              </div>
            )}
          </section>
        )}
        <TaskTime task={task} projectId={projectId} />
        {editDelivery && (
          <details>
            <summary>Cancel this task…</summary>
            <form
              onSubmit={(event) => {
                event.preventDefault();
                cancel.mutate(String(new FormData(event.currentTarget).get('reason') ?? '').trim());
              }}
              noValidate
              className="row"
            >
              <ProblemAlert error={cancel.error} verb="cancelled" />
              <Field
                label="Why"
                path="reason"
                problem={cancel.error instanceof ApiProblem ? cancel.error : null}
              >
                {(p) => <input {...p} type="text" />}
              </Field>
              <button type="submit" className="danger" disabled={cancel.isPending}>
                Cancel task
              </button>
            </form>
          </details>
        )}
        <section aria-labelledby="comments">
          <h3 id="comments">Comments</h3>
          <ul className="comments">
            {(comments.data?.items ?? []).map((c) => (
              <li key={c.id}>
                <strong>{nameOf(c.authorId)}</strong> <span className="muted">{dateTime(c.createdAt)}</span>
                <p>{c.body}</p>
              </li>
            ))}
          </ul>
          <form ref={commentForm} onSubmit={addComment} noValidate>
            <ProblemAlert error={comment.error} />
            <Field
              label="Comment"
              path="body"
              problem={comment.error instanceof ApiProblem ? comment.error : null}
            >
              {(p) => <textarea {...p} rows={2} />}
            </Field>
            <button type="submit" disabled={comment.isPending}>
              Comment
            </button>
          </form>
        </section>
      </div>
    </Dialog>
  );
}
