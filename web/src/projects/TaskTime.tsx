import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, allPages, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useAbilities, useSession } from '../app/session-context.js';
import type { FormValues } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { RecordEditForm, useRecordEdit } from '../ui/record-edit.js';
import { duration, hoursOf, minutesOf, shortDay } from './time-format.js';

// The time logged on a task: the list (the project's entries, this task's kept), a form to log
// more, and each entry corrected or deleted by its author, a manager or an admin. Every change
// is confirmed in words where it was made ("Logged 1 h 30 min on 3 Mar").

type TimeEntry = Schemas['TimeEntry'];
type TimeEntryPatch = paths['/time-entries/{id}']['patch']['requestBody']['content']['application/json'];

/** Today as the API counts it (UTC): time is refused for a day after that one. */
const apiToday = () => new Date().toISOString().slice(0, 10);

export function TaskTime({ task, projectId }: { task: Schemas['PlannedTask']; projectId: string }) {
  const { client, userId } = useSession();
  const { editDelivery, manage } = useAbilities();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const [said, say] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  // one key per entry being logged: a retry after a lost answer logs it once
  const [idempotencyKey, newKey] = useState(() => crypto.randomUUID());
  // the API lists a project's entries (newest day first); this task's are kept
  const entries = useQuery({
    queryKey: ['time-entries', projectId],
    queryFn: () =>
      allPages<TimeEntry>((cursor) =>
        answer(
          client.GET('/projects/{id}/time-entries', {
            params: { path: { id: projectId }, query: { limit: 100, ...(cursor ? { cursor } : {}) } },
          }),
        ),
      ),
  });
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['time-entries', projectId] });
    // the project's totals and burn follow every entry
    void queryClient.invalidateQueries({ queryKey: ['project', projectId] });
  };
  const log = useMutation({
    mutationFn: (body: Schemas['NewTimeEntry']) =>
      answer(
        client.POST('/tasks/{id}/time-entries', {
          params: { path: { id: task.id }, header: { 'Idempotency-Key': idempotencyKey } },
          body,
        }),
      ),
    onSuccess: (entry) => {
      say(`Logged ${duration(entry.minutes)} on ${shortDay(entry.date)}.`);
      // only once saved: a refusal or no answer leaves what was typed
      form.current?.reset();
      newKey(crypto.randomUUID());
      changed();
    },
  });
  const remove = useMutation({
    mutationFn: (entry: TimeEntry) =>
      answer(
        client.DELETE('/time-entries/{id}', {
          params: { path: { id: entry.id }, header: ifMatch(entry.version) },
        }),
      ),
    onSuccess: (_, entry) => {
      say(`Deleted ${duration(entry.minutes)} on ${shortDay(entry.date)}.`);
      setDeleting(null);
      changed();
    },
  });
  const problem = log.error instanceof ApiProblem ? log.error : null;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    log.mutate({
      date: text('date'),
      minutes: minutesOf(text('hours')),
      billable: new FormData(form.current).get('billable') === 'on',
      ...(text('note') ? { note: text('note') } : {}),
    });
  };
  const mine = (entry: TimeEntry) => entry.userId === userId || manage;
  const list = (entries.data ?? []).filter((e) => e.taskId === task.id);
  const total = list.reduce((sum, e) => sum + e.minutes, 0);

  return (
    <section aria-labelledby={`time-${task.id}`} className="task-time">
      <h3 id={`time-${task.id}`}>
        Time {list.length > 0 && <span className="muted">({duration(total)})</span>}
      </h3>
      <p role="status" className="confirmation">
        {said}
      </p>
      <ProblemAlert error={entries.error} loading="the time logged" onRetry={() => void entries.refetch()} />
      <ProblemAlert
        error={remove.error}
        verb="deleted"
        onRetry={() => remove.variables && remove.mutate(remove.variables)}
      />
      <ul className="plain-list time-entries">
        {list.map((e) => {
          const what = `${duration(e.minutes)} on ${shortDay(e.date)}`;
          return (
            <li key={e.id} data-time-entry={e.id}>
              {editing === e.id ? (
                <CorrectEntry
                  entry={e}
                  onDone={() => setEditing(null)}
                  onSaved={(saved) => {
                    setEditing(null);
                    say(`Corrected: ${duration(saved.minutes)} on ${shortDay(saved.date)}.`);
                    changed();
                  }}
                />
              ) : (
                <>
                  <strong>{what}</strong>{' '}
                  <span className="muted">
                    · {nameOf(e.userId)} · {e.billable ? 'billable' : 'not billable'}
                    {e.note ? ` · ${e.note}` : ''}
                  </span>
                  {editDelivery && mine(e) && deleting !== e.id && (
                    <span className="entry-actions">
                      <button type="button" className="quiet" onClick={() => setEditing(e.id)}>
                        Correct<span className="visually-hidden"> {what}</span>
                      </button>
                      <button type="button" className="quiet" onClick={() => setDeleting(e.id)}>
                        Delete<span className="visually-hidden"> {what}</span>
                      </button>
                    </span>
                  )}
                  {deleting === e.id && (
                    <span className="entry-actions">
                      Delete {what}?{' '}
                      <button
                        type="button"
                        className="danger"
                        disabled={remove.isPending}
                        onClick={() => remove.mutate(e)}
                      >
                        Yes, delete it
                      </button>
                      <button type="button" className="quiet" onClick={() => setDeleting(null)}>
                        Keep it
                      </button>
                    </span>
                  )}
                </>
              )}
            </li>
          );
        })}
        {entries.isSuccess && list.length === 0 && (
          <li className="muted">No time logged on this task yet.</li>
        )}
      </ul>
      {editDelivery && (
        <form ref={form} onSubmit={submit} noValidate aria-label="Log time" className="card">
          <ProblemAlert error={log.error} verb="logged" onRetry={() => submit()} />
          <div className="row">
            <Field label="Day" path="date" kind="date" problem={problem}>
              {(p) => <input {...p} type="date" defaultValue={apiToday()} max={apiToday()} />}
            </Field>
            <Field label="Hours" path="minutes" kind="number" problem={problem} hint="1.5 is 1 h 30 min">
              {(p) => <input {...p} name="hours" type="number" min="0" step="0.25" inputMode="decimal" />}
            </Field>
            <Field label="Note" path="note" problem={problem}>
              {(p) => <input {...p} type="text" />}
            </Field>
            <label className="inline">
              <input type="checkbox" name="billable" defaultChecked /> billable
            </label>
          </div>
          <button type="submit" disabled={log.isPending}>
            Log time
          </button>
        </form>
      )}
    </section>
  );
}

const LABELS: Record<string, string> = { date: 'Day', hours: 'Hours', billable: 'Billable', note: 'Note' };

/** One entry corrected: only what changed is sent, If-Match the version the correction started from. */
function CorrectEntry({
  entry,
  onDone,
  onSaved,
}: {
  entry: TimeEntry;
  onDone: () => void;
  onSaved: (saved: TimeEntry) => void;
}) {
  const { client } = useSession();
  const toForm = (e: TimeEntry): FormValues => ({
    date: e.date,
    hours: hoursOf(e.minutes),
    billable: String(e.billable),
    note: e.note ?? '',
  });
  const edit = useRecordEdit<TimeEntry, TimeEntryPatch>({
    record: entry,
    toForm,
    patchOf: (v, mine) => ({
      ...(mine.has('date') ? { date: v.date! } : {}),
      ...(mine.has('hours') ? { minutes: minutesOf(v.hours!) } : {}),
      ...(mine.has('billable') ? { billable: v.billable === 'true' } : {}),
      ...(mine.has('note') ? { note: v.note!.trim() || null } : {}),
    }),
    send: (body, version) =>
      answer(
        client.PATCH('/time-entries/{id}', {
          params: { path: { id: entry.id }, header: ifMatch(version) },
          body,
        }),
      ),
    onSaved,
    onUnchanged: onDone,
  });
  const { draft, problem, input } = edit;
  return (
    <RecordEditForm
      edit={edit}
      label={`Correct ${duration(entry.minutes)} on ${shortDay(entry.date)}`}
      labelOf={(name) => LABELS[name] ?? name}
      onCancel={onDone}
      submitLabel="Save correction"
      className="card"
    >
      <div className="row">
        <Field label="Day" path="date" kind="date" problem={problem}>
          {(p) => <input {...p} type="date" max={apiToday()} {...input('date')} />}
        </Field>
        <Field label="Hours" path="minutes" kind="number" problem={problem}>
          {(p) => <input {...p} type="number" min="0" step="0.25" inputMode="decimal" {...input('hours')} />}
        </Field>
        <Field label="Note" path="note" problem={problem}>
          {(p) => <input {...p} type="text" {...input('note')} />}
        </Field>
        <label className="inline">
          <input
            type="checkbox"
            checked={draft.values.billable === 'true'}
            onChange={(e) => draft.set('billable', String(e.target.checked))}
          />{' '}
          billable
        </label>
      </div>
    </RecordEditForm>
  );
}
