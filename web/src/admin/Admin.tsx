import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePipelines } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { Field } from '../ui/Field.js';
import { formText } from '../ui/form-text.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { JsonEditor } from './JsonEditor.js';

// The workspace's settings for admins: pipelines and their stages, the company calendar, custom
// fields, lead routing and the kickoff templates. Each saves through its own route, If-Match
// with the version read, so two admins never overwrite each other unseen.

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function PipelineEditor({ pipeline }: { pipeline: Schemas['Pipeline'] }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (stages: { id?: string; name: string; probability: number; rotAfterDays: number | null }[]) =>
      answer(
        client.PATCH('/pipelines/{id}', {
          params: { path: { id: pipeline.id }, header: ifMatch(pipeline.version) },
          body: { stages },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['pipelines'] }),
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const rows = pipeline.stages.length + 1;
    const stages = [];
    for (let i = 0; i < rows; i++) {
      const name = String(form.get(`stages.${i}.name`) ?? '').trim();
      if (!name) continue;
      const rot = String(form.get(`stages.${i}.rotAfterDays`) ?? '');
      stages.push({
        ...(pipeline.stages[i] ? { id: pipeline.stages[i]!.id } : {}),
        name,
        probability: Number(form.get(`stages.${i}.probability`)),
        rotAfterDays: rot ? Number(rot) : null,
      });
    }
    save.mutate(stages);
  };
  return (
    <form onSubmit={submit} noValidate className="card" key={pipeline.version}>
      <h3>{pipeline.name}</h3>
      <ProblemAlert error={save.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Probability %</th>
            <th scope="col">Stalled after days</th>
          </tr>
        </thead>
        <tbody>
          {[...pipeline.stages, undefined].map((s, i) => (
            <tr key={s?.id ?? 'new'}>
              <td>
                <input
                  aria-label={`Stage ${i + 1} name`}
                  name={`stages.${i}.name`}
                  defaultValue={s?.name}
                  placeholder={s ? undefined : 'new stage'}
                  aria-invalid={(problem?.fieldErrors(`stages.${i}.name`).length ?? 0) > 0}
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} probability`}
                  name={`stages.${i}.probability`}
                  type="number"
                  min="0"
                  max="100"
                  defaultValue={s?.probability ?? 50}
                />
              </td>
              <td>
                <input
                  aria-label={`Stage ${i + 1} stalled after days`}
                  name={`stages.${i}.rotAfterDays`}
                  type="number"
                  min="1"
                  defaultValue={s?.rotAfterDays ?? ''}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="submit" disabled={save.isPending}>
        Save stages
      </button>
    </form>
  );
}

function CalendarEditor() {
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

function CustomFields() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const fields = useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => answer(client.GET('/custom-fields')),
  });
  const create = useMutation({
    mutationFn: (body: Schemas['NewCustomField']) => answer(client.POST('/custom-fields', { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['custom-fields'] }),
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = formText(form);
    const options = text('options')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    create.mutate({
      entity: text('entity') as 'deal',
      key: text('key'),
      label: text('label'),
      type: text('type') as 'text',
      ...(options.length ? { options } : {}),
    });
  };
  const all = fields.data?.fields ?? [];
  return (
    <div className="card">
      <ProblemAlert error={fields.error ?? create.error} />
      <ul>
        {all.map((f) => (
          <li key={`${f.entity}.${f.key}`}>
            {f.entity}: {f.label}{' '}
            <span className="muted">
              ({f.key}, {f.type})
            </span>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} noValidate className="row">
        <Field label="On" path="entity" problem={problem}>
          {(p) => (
            <select {...p}>
              {['deal', 'contact', 'company', 'project'].map((e) => (
                <option key={e}>{e}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Key" path="key" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <Field label="Label" path="label" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <Field label="Type" path="type" problem={problem}>
          {(p) => (
            <select {...p}>
              {['text', 'number', 'date', 'boolean', 'select', 'multi-select', 'money', 'url', 'email'].map(
                (t) => (
                  <option key={t}>{t}</option>
                ),
              )}
            </select>
          )}
        </Field>
        <Field label="Choices (comma-separated)" path="options" problem={problem}>
          {(p) => <input {...p} type="text" />}
        </Field>
        <button type="submit">Add field</button>
      </form>
    </div>
  );
}

function Templates() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => answer(client.GET('/templates', { params: { query: { limit: 100 } } })),
  });
  const create = useMutation({
    mutationFn: (body: unknown) =>
      answer(client.POST('/templates', { body: body as Schemas['NewTemplate'] })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['templates'] }),
  });
  const example = templates.data?.items.find((t) => t.isDefault) ?? templates.data?.items[0];
  return (
    <div className="card">
      <ProblemAlert error={templates.error} />
      <ul>
        {(templates.data?.items ?? []).map((t) => (
          <li key={t.id}>
            <details>
              <summary>
                {t.name}{' '}
                <span className="muted">
                  ({t.tasks.length} tasks, version {t.version})
                </span>
              </summary>
              <ol>
                {t.tasks.map((task) => (
                  <li key={task.key}>
                    {task.title} <span className="muted">({task.durationDays} business days)</span>
                  </li>
                ))}
              </ol>
            </details>
          </li>
        ))}
      </ul>
      {templates.data && (
        <details>
          <summary>New template</summary>
          <JsonEditor
            label="The template (JSON, as POST /templates takes it)"
            initial={
              example
                ? {
                    name: `${example.name} (copy)`,
                    checklist: example.checklist,
                    tasks: example.tasks,
                    dependencies: example.dependencies,
                  }
                : { name: 'Kickoff', tasks: [{ key: 'kickoff', title: 'Kickoff meeting', durationDays: 0 }] }
            }
            submitLabel="Create template"
            pending={create.isPending}
            error={create.error}
            onSubmit={create.mutate}
          />
          {create.isSuccess && <p role="status">Created {create.data.name}.</p>}
        </details>
      )}
    </div>
  );
}

function LeadRouting() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const routing = useQuery({
    queryKey: ['lead-routing'],
    queryFn: () => answer(client.GET('/lead-routing')),
  });
  const save = useMutation({
    mutationFn: (body: unknown) =>
      answer(
        client.PUT('/lead-routing', {
          params: { header: ifMatch(routing.data!.version) },
          body: body as Schemas['LeadRoutingInput'],
        }),
      ),
    onSuccess: (saved) => queryClient.setQueryData(['lead-routing'], saved),
  });
  if (!routing.data) return <ProblemAlert error={routing.error} />;
  return (
    <div className="card">
      <ol>
        {routing.data.rules.map((r) => (
          <li key={r.id}>
            {r.name}: when {JSON.stringify(r.match)} → {JSON.stringify(r.assign)}
          </li>
        ))}
      </ol>
      {routing.data.rules.length === 0 && (
        <p className="muted">No rules: a new deal needs its owner named.</p>
      )}
      <JsonEditor
        key={routing.data.version}
        label="The rules, first match wins (JSON, as PUT /lead-routing takes them)"
        initial={{ rules: routing.data.rules }}
        submitLabel="Save rules"
        pending={save.isPending}
        error={save.error}
        onSubmit={save.mutate}
      />
    </div>
  );
}

export default function Admin() {
  const pipelines = usePipelines();
  return (
    <div className="admin">
      <h1>Admin</h1>
      <h2>Pipelines and stages</h2>
      <ProblemAlert error={pipelines.error} />
      {(pipelines.data ?? []).map((p) => (
        <PipelineEditor key={p.id} pipeline={p} />
      ))}
      <h2>Company calendar</h2>
      <CalendarEditor />
      <h2>Custom fields</h2>
      <CustomFields />
      <h2>Lead routing</h2>
      <LeadRouting />
      <h2>Kickoff templates</h2>
      <Templates />
    </div>
  );
}
