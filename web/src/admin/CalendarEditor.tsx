import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { type FormValues, useEditDraft } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// The company calendar every plan uses: working weekdays, dated holidays and yearly ones. Saved
// If-Match the version the person started from; what they typed stays on any failure.

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

type Calendar = Schemas['WorkingCalendar'] & { version: number };

const toForm = (c: Calendar): FormValues => ({
  workingDays: c.workingDays.join(','),
  holidays: (c.holidays ?? []).join('\n'),
  annualHolidays: (c.annualHolidays ?? []).join('\n'),
});

const LABELS: Record<string, string> = {
  workingDays: 'Working days',
  holidays: 'Holidays',
  annualHolidays: 'Every year',
};

const daysOf = (text: string) => text.split(',').filter(Boolean).map(Number);
const lines = (text: string) => text.split(/\s+/).filter(Boolean);

export function CalendarEditor() {
  const { client } = useSession();
  const calendar = useQuery({ queryKey: ['calendar'], queryFn: () => answer(client.GET('/calendar')) });
  if (!calendar.data)
    return (
      <ProblemAlert
        error={calendar.error}
        loading="the company calendar"
        onRetry={() => void calendar.refetch()}
      />
    );
  return <CalendarForm calendar={calendar.data as Calendar} />;
}

function CalendarForm({ calendar }: { calendar: Calendar }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const draft = useEditDraft(calendar, toForm);
  const save = useMutation({
    mutationFn: ({ body, version }: { body: Schemas['WorkingCalendar']; version: number }) =>
      answer(client.PUT('/calendar', { params: { header: ifMatch(version) }, body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['calendar'], saved);
      draft.saved(saved as Calendar);
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;
  const v = draft.values;
  const send = (version: number) =>
    save.mutate({
      body: {
        workingDays: daysOf(v.workingDays ?? ''),
        holidays: lines(v.holidays ?? ''),
        annualHolidays: lines(v.annualHolidays ?? ''),
      },
      version,
    });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  const days = daysOf(v.workingDays ?? '');
  const toggle = (day: number, on: boolean) =>
    draft.set(
      'workingDays',
      (on ? [...days, day] : days.filter((d) => d !== day)).sort((a, b) => a - b).join(','),
    );
  return (
    <form onSubmit={submit} noValidate className="card" aria-label="Company calendar">
      <ProblemAlert error={save.error} onRetry={() => send(draft.base.version)} />
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={(name) => LABELS[name] ?? name}
          show={(name, value) =>
            name === 'workingDays'
              ? daysOf(value)
                  .map((d) => WEEKDAYS[d - 1])
                  .join(', ')
              : value.replaceAll('\n', ', ')
          }
          pending={save.isPending}
          // after a 412 the record is read again before its changes are shown or saved over
          reading={calendar.version === draft.base.version}
          onSaveMine={() => {
            draft.keepMine();
            send(calendar.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <fieldset>
        <legend>Working days</legend>
        {WEEKDAYS.map((d, i) => (
          <label key={d} className="inline">
            <input
              type="checkbox"
              name="workingDays"
              value={i + 1}
              checked={days.includes(i + 1)}
              onChange={(e) => toggle(i + 1, e.target.checked)}
            />{' '}
            {d}
          </label>
        ))}
      </fieldset>
      <Field label="Holidays (YYYY-MM-DD, one per line)" path="holidays" problem={problem}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={v.holidays ?? ''}
            onChange={(e) => draft.set('holidays', e.target.value)}
          />
        )}
      </Field>
      <Field label="Every year (MM-DD, one per line)" path="annualHolidays" problem={problem}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={v.annualHolidays ?? ''}
            onChange={(e) => draft.set('annualHolidays', e.target.value)}
          />
        )}
      </Field>
      <button type="submit" disabled={save.isPending}>
        Save calendar
      </button>
    </form>
  );
}
