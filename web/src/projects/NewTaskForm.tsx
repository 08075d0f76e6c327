import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { PeopleOptions } from '../ui/options.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

/** Adds a task to the plan, after another if one is chosen (the task, then its dependency: two calls). */
export function NewTaskForm({ projectId, tasks }: { projectId: string; tasks: Schemas['PlannedTask'][] }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
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
        ...(text('assigneeId') ? { assigneeId: text('assigneeId') } : {}),
        ...(text('startDate') ? { startDate: text('startDate') } : {}),
        ...(form.get('milestone') === 'on' ? { milestone: true } : {}),
      },
      after: text('after'),
    });
    event.currentTarget.reset();
  };
  return (
    <details className="card">
      <summary>Add a task</summary>
      <form onSubmit={submit} noValidate>
        <ProblemAlert error={add.error} />
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
          <Field label="Assignee" path="assigneeId" problem={problem}>
            {(p) => (
              <select {...p}>
                <option value="">nobody yet</option>
                <PeopleOptions activeOnly />
              </select>
            )}
          </Field>
          <label className="inline">
            <input type="checkbox" name="milestone" /> milestone
          </label>
        </div>
        <button type="submit" disabled={add.isPending}>
          Add task
        </button>
      </form>
    </details>
  );
}
