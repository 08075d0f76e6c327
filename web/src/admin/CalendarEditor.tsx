import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';

// The company calendar every plan uses: working weekdays, dated holidays and yearly ones.

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function CalendarEditor() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const calendar = useQuery({ queryKey: ['calendar'], queryFn: () => answer(client.GET('/calendar')) });
  const save = useMutation({
    mutationFn: (body: Schemas['WorkingCalendar']) =>
      answer(client.PUT('/calendar', { params: { header: ifMatch(calendar.data!.version) }, body })),
    onSuccess: (saved) => queryClient.setQueryData(['calendar'], saved),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  if (!calendar.data) return <ProblemAlert error={calendar.error} />;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const lines = (name: string) =>
      String(form.get(name) ?? '')
        .split(/\s+/)
        .filter(Boolean);
    save.mutate({
      workingDays: form.getAll('workingDays').map(Number),
      holidays: lines('holidays'),
      annualHolidays: lines('annualHolidays'),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="card" key={calendar.data.version}>
      <ProblemAlert error={save.error} />
      <fieldset>
        <legend>Working days</legend>
        {WEEKDAYS.map((d, i) => (
          <label key={d} className="inline">
            <input
              type="checkbox"
              name="workingDays"
              value={i + 1}
              defaultChecked={calendar.data.workingDays.includes(i + 1)}
            />{' '}
            {d}
          </label>
        ))}
      </fieldset>
      <Field label="Holidays (YYYY-MM-DD, one per line)" path="holidays" problem={problem}>
        {(p) => <textarea {...p} rows={3} defaultValue={calendar.data.holidays.join('\n')} />}
      </Field>
      <Field label="Every year (MM-DD, one per line)" path="annualHolidays" problem={problem}>
        {(p) => <textarea {...p} rows={3} defaultValue={(calendar.data.annualHolidays ?? []).join('\n')} />}
      </Field>
      <button type="submit" disabled={save.isPending}>
        Save calendar
      </button>
    </form>
  );
}
