import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useCursorPages } from '../api/paging.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { dateTime, isoFromLocal } from '../ui/format.js';
import { Pager } from '../ui/Pager.js';
import { PastDueQuestion } from '../ui/PastDueQuestion.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { usePastDueCheck } from '../ui/past-due.js';
import { PersonPicker } from '../ui/pickers.js';

type Activity = Schemas['Activity'];
type NewActivity = paths['/activities']['post']['requestBody']['content']['application/json'];

/** The deal's CRM tasks (to do, with a due time and an assignee) and its logged calls, emails, meetings and notes. */
export function DealTasks({ dealId, editable }: { dealId: string; editable: boolean }) {
  const { client, userId } = useSession();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Activity['type']>('call');
  const [assigneeId, setAssigneeId] = useState(userId);
  const form = useRef<HTMLFormElement>(null);
  const pastDue = usePastDueCheck();
  const activities = useCursorPages({
    key: ['activities', dealId],
    limit: 25,
    fetchPage: (cursor, limit) =>
      answer(
        client.GET('/activities', { params: { query: { dealId, limit, ...(cursor ? { cursor } : {}) } } }),
      ),
  });
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: ['activities', dealId] });
    void queryClient.invalidateQueries({ queryKey: ['timeline', dealId] });
    // an activity moves the deal's last activity (and its version): lists holding it read it again
    void queryClient.invalidateQueries({ queryKey: ['deal', dealId] });
    void queryClient.invalidateQueries({ queryKey: ['deals'] });
  };
  const add = useMutation({
    mutationFn: (body: NewActivity) => answer(client.POST('/activities', { body: { ...body, dealId } })),
    onSuccess: () => {
      changed();
      // only once saved: a refusal or no answer leaves what was typed
      form.current?.reset();
    },
  });
  const finish = useMutation({
    mutationFn: (a: Activity) =>
      answer(
        client.PATCH('/activities/{id}', {
          params: { path: { id: a.id }, header: ifMatch(a.version) },
          body: { done: true },
        }),
      ),
    onSuccess: changed,
  });
  const problem = add.error instanceof ApiProblem ? add.error : null;
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    if (!form.current) return;
    const text = formText(new FormData(form.current));
    const isTask = kind === 'task';
    const dueAt = isoFromLocal(text('dueAt'));
    if (isTask && !pastDue.allows(dueAt)) return;
    add.mutate({
      type: kind,
      subject: text('subject'),
      ...(text('body') ? { body: text('body') } : {}),
      ...(isTask
        ? { done: false, dueAt, assigneeId: assigneeId || userId }
        : { done: true, occurredAt: new Date().toISOString() }),
    });
  };
  const items = activities.items;
  const open = items.filter((a) => a.type === 'task' && !a.done);
  return (
    <section aria-labelledby={`tasks-${dealId}`}>
      <h3 id={`tasks-${dealId}`}>Tasks and activities</h3>
      <ProblemAlert
        error={activities.query.error}
        loading="the activities"
        onRetry={() => void activities.query.refetch()}
      />
      <ProblemAlert
        error={finish.error}
        onRetry={() => finish.variables && finish.mutate(finish.variables)}
      />
      <ul className="plain-list">
        {open.map((a) => (
          <li key={a.id}>
            <strong>{a.subject}</strong>{' '}
            <span className="muted">
              {a.dueAt ? `due ${dateTime(a.dueAt)}` : ''} · {nameOf(a.assigneeId ?? a.ownerId)}
            </span>{' '}
            {editable && (
              <button type="button" className="quiet" onClick={() => finish.mutate(a)}>
                Done
              </button>
            )}
          </li>
        ))}
        {items
          .filter((a) => !open.includes(a))
          .map((a) => (
            <li key={a.id} className="muted">
              {a.type}: {a.subject}
              {a.occurredAt ? ` · ${dateTime(a.occurredAt)}` : ''}
            </li>
          ))}
      </ul>
      <Pager what="the activities" pages={activities} />
      {editable && (
        <form ref={form} onSubmit={submit} noValidate className="card">
          <h4>Log an activity or add a task</h4>
          <ProblemAlert error={add.error} onRetry={() => submit()} />
          <Field label="Kind" path="type" problem={problem}>
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(e.target.value as Activity['type'])}>
                <option value="call">call</option>
                <option value="email">email</option>
                <option value="meeting">meeting</option>
                <option value="note">note</option>
                <option value="task">task (to do)</option>
              </select>
            )}
          </Field>
          <Field label="Subject" path="subject" problem={problem}>
            {(p) => <input {...p} type="text" />}
          </Field>
          <Field label="Notes" path="body" problem={problem}>
            {(p) => <textarea {...p} rows={2} />}
          </Field>
          {kind === 'task' && (
            <div className="row">
              <Field
                label="Due"
                path="dueAt"
                kind="datetime"
                problem={problem}
                warning={<PastDueQuestion check={pastDue} onConfirm={() => submit()} />}
              >
                {(p) => <input {...p} type="datetime-local" onChange={pastDue.dismiss} />}
              </Field>
              <Field label="Assignee" path="assigneeId" kind="choice" problem={problem}>
                {(p) => <PersonPicker field={p} value={assigneeId} onChange={setAssigneeId} />}
              </Field>
            </div>
          )}
          <button type="submit" disabled={add.isPending}>
            {kind === 'task' ? 'Add task' : 'Log it'}
          </button>
        </form>
      )}
    </section>
  );
}
