import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { PersonPicker } from '../ui/pickers.js';

/**
 * Adds a task to the plan, after another if one is chosen (the task, then its dependency: two
 * calls). A task may be an approval the customer's main stakeholder decides in the project portal,
 * or internal (never shown to the customer there).
 */
export function NewTaskForm({
  projectId,
  tasks,
  stakeholderId,
}: {
  projectId: string;
  tasks: Schemas['PlannedTask'][];
  /** The project's main stakeholder, who can be asked to approve a task in the portal. */
  stakeholderId?: string | undefined;
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [assigneeId, setAssigneeId] = useState('');
  const add = useMutation({
    mutationFn: async ({ task, after }: { task: Schemas['NewTask']; after: string }) => {
      const created = await answer(
        client.POST('/projects/{id}/tasks', { params: { path: { id: projectId } }, body: task }),
      );
      if (after)
        await answer(
          client.POST('/tasks/{id}/dependencies', {
            params: { path: { id: created.id } },
            body: { predecessorId: after, type: 'FS', lagDays: 0 },
          }),
        );
      return created;
    },
    onSuccess: () => {
      // only once saved: a refusal or no answer leaves what was typed
      form.current?.reset();
      setAssigneeId('');
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
      void queryClient.invalidateQueries({ queryKey: ['schedule', projectId] });
    },
  });
  const problem = add.error instanceof ApiProblem ? add.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    add.mutate({
      task: {
        title: text('title'),
        durationDays: Number(text('durationDays') || 0),
        ...(assigneeId ? { assigneeId } : {}),
        ...(text('startDate') ? { startDate: text('startDate') } : {}),
        ...(form.get('milestone') === 'on' ? { milestone: true } : {}),
        ...(stakeholderId && form.get('customerApproves') === 'on'
          ? { approval: { approverContactId: stakeholderId } }
          : {}),
        ...(form.get('internal') === 'on' ? { internal: true } : {}),
      },
      after: text('after'),
    });
  };
  return (
    <details className="card">
      <summary>Add a task</summary>
      <form ref={form} onSubmit={submit} noValidate>
        <ProblemAlert error={add.error} verb="added" />
        <div className="row">
          <Field label="Task" path="title" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
          <Field label="Business days" path="durationDays" problem={problem}>
            {(p) => <input {...p} type="number" min="0" defaultValue={1} />}
          </Field>
          <Field label="After" path="predecessorId" problem={problem}>
            {(p) => (
              <select {...p} name="after">
                <option value="">nothing (starts at kickoff)</option>
                {tasks.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Not before" path="startDate" problem={problem}>
            {(p) => <input {...p} type="date" />}
          </Field>
          <Field label="Assignee" path="assigneeId" kind="choice" problem={problem}>
            {(p) => (
              <PersonPicker field={p} value={assigneeId} onChange={setAssigneeId} noneLabel="nobody yet" />
            )}
          </Field>
          <label className="inline">
            <input type="checkbox" name="milestone" /> milestone
          </label>
          {stakeholderId && (
            <label className="inline">
              <input type="checkbox" name="customerApproves" /> the customer approves it (in the portal)
            </label>
          )}
          <label className="inline">
            <input type="checkbox" name="internal" /> internal (hidden from the customer)
          </label>
        </div>
        <button type="submit" disabled={add.isPending}>
          Add task
        </button>
      </form>
    </details>
  );
}
