import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useAbilities, useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { type FormValues, useEditDraft } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { date } from '../ui/format.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// A task's start and length, typed: the keyboard's way to do what dragging its bar on the
// timeline does. A draft over the task as read, so a reload (a dependent moved by someone
// else's change) keeps what was typed, and a 412 shows what changed.

type Task = Schemas['PlannedTask'];

const LABELS: Record<string, string> = { startDate: 'Start', durationDays: 'Duration (business days)' };
const toForm = (t: Task): FormValues => ({ startDate: t.startDate, durationDays: String(t.durationDays) });

export function RescheduleForm({
  task,
  projectId,
  onChanging,
}: {
  task: Task;
  projectId: string;
  onChanging: () => void;
}) {
  const { client } = useSession();
  const { editDelivery } = useAbilities();
  const queryClient = useQueryClient();
  const draft = useEditDraft(task, toForm);
  const save = useMutation({
    mutationFn: ({
      body,
      version,
    }: {
      body: { startDate?: string | null; durationDays?: number };
      version: number;
    }) =>
      answer(
        client.PATCH('/tasks/{id}', { params: { path: { id: task.id }, header: ifMatch(version) }, body }),
      ),
    onMutate: onChanging,
    onSuccess: (saved) => draft.saved({ ...task, ...saved }),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['project', projectId] }),
        queryClient.invalidateQueries({ queryKey: ['schedule', projectId] }),
      ]),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;
  const send = (version: number) => {
    const mine = new Set(draft.mine);
    if (mine.size === 0) return;
    const v = draft.values;
    const typed = v.durationDays!.trim();
    save.mutate({
      version,
      body: {
        ...(mine.has('startDate') ? { startDate: v.startDate || null } : {}),
        // an empty or wrong number is sent as typed (NaN is null in JSON): the API names the field
        ...(mine.has('durationDays') ? { durationDays: typed === '' ? Number.NaN : Number(typed) } : {}),
      },
    });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  const input = (name: string) => ({
    value: draft.values[name] ?? '',
    onChange: (e: { target: { value: string } }) => draft.set(name, e.target.value),
    disabled: !editDelivery,
  });
  return (
    <form onSubmit={submit} noValidate aria-label="Reschedule the task">
      <ProblemAlert error={save.error} verb="rescheduled" onRetry={() => send(draft.base.version)} />
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={(name) => LABELS[name] ?? name}
          show={(name, value) => (name === 'startDate' && value ? date(value) : value)}
          pending={save.isPending}
          onSaveMine={() => {
            draft.keepMine();
            send(task.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <div className="row">
        <Field label="Start" path="startDate" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" {...input('startDate')} />}
        </Field>
        <Field label="Duration (business days)" path="durationDays" kind="number" problem={problem}>
          {(p) => <input {...p} type="number" min="0" {...input('durationDays')} />}
        </Field>
        {editDelivery && (
          <button type="submit" disabled={save.isPending}>
            Reschedule
          </button>
        )}
      </div>
    </form>
  );
}
