import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import type { CustomFieldDefinition, CustomFieldEntity } from '../api/custom-fields.js';
import { useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { Dialog } from '../ui/Dialog.js';
import { type FormValues, useEditDraft } from '../ui/edit-draft.js';
import { Field } from '../ui/Field.js';
import { describeFailure } from '../ui/failure.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { moveCustomField } from './custom-field-order.js';
import { TextList } from './ListFields.js';
import { errorsShownNowhere, UnplacedErrors, within } from './PathErrors.js';

// Custom fields (docs/api.md, "Custom fields"): each entity's fields in their order, a form to
// define one, an editor for what may change (label, required, options: never the key or the
// type, which stored values depend on) and retiring one, said truthfully: the definition goes,
// the values stay on their records.

const ENTITIES: { entity: CustomFieldEntity; plural: string }[] = [
  { entity: 'deal', plural: 'Deals' },
  { entity: 'contact', plural: 'Contacts' },
  { entity: 'company', plural: 'Companies' },
  { entity: 'project', plural: 'Projects' },
];

const TYPES: { type: CustomFieldDefinition['type']; label: string }[] = [
  { type: 'text', label: 'text' },
  { type: 'number', label: 'number' },
  { type: 'date', label: 'date' },
  { type: 'boolean', label: 'yes or no' },
  { type: 'select', label: 'one of a list' },
  { type: 'multi-select', label: 'several of a list' },
  { type: 'money', label: 'money' },
  { type: 'url', label: 'web address' },
  { type: 'email', label: 'email' },
];

const typeLabel = (type: string) => TYPES.find((t) => t.type === type)?.label ?? type;
const hasOptions = (type: string) => type === 'select' || type === 'multi-select';
const pluralOf = (entity: string) =>
  ENTITIES.find((e) => e.entity === entity)?.plural.toLowerCase() ?? entity;

function useDefinitions() {
  const { client } = useSession();
  // the same query as api/custom-fields.ts: the forms that fill the values see a change at once
  return useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => answer(client.GET('/custom-fields')),
    staleTime: 30_000,
  });
}

export function CustomFieldsAdmin() {
  const definitions = useDefinitions();
  if (!definitions.data)
    return (
      <ProblemAlert
        error={definitions.error}
        loading="the custom fields"
        onRetry={() => void definitions.refetch()}
      />
    );
  const set = definitions.data;
  return (
    <div className="card custom-fields-admin">
      {ENTITIES.map(({ entity, plural }) => (
        <EntityFields
          key={entity}
          entity={entity}
          title={plural}
          fields={set.fields.filter((f) => f.entity === entity)}
          version={set.version}
        />
      ))}
      <NewCustomFieldForm />
    </div>
  );
}

interface EntityFieldsProps {
  entity: CustomFieldEntity;
  title: string;
  fields: CustomFieldDefinition[];
  version: number;
}

function EntityFields({ entity, title, fields, version }: EntityFieldsProps) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [retiring, setRetiring] = useState<CustomFieldDefinition | null>(null);
  const reorder = useMutation({
    mutationFn: ({ key, position }: { key: string; position: number }) =>
      moveCustomField!(client, { entity, key, position, version }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['custom-fields'] }),
  });
  const move = (i: number, by: -1 | 1) => reorder.mutate({ key: fields[i]!.key, position: i + by });
  // a move is made on the order as shown: when the fields changed meanwhile (412), the list is
  // read again and the person moves on what is there now
  const movedMeanwhile = reorder.isError && describeFailure(reorder.error).stale;
  return (
    <section aria-labelledby={`cf-${entity}`}>
      <h3 id={`cf-${entity}`}>{title}</h3>
      {movedMeanwhile ? (
        <div role="alert" className="problem">
          <strong>Not moved: the fields changed meanwhile.</strong>
          <p>They are listed as they are now; move it again if you still want to.</p>
        </div>
      ) : (
        <ProblemAlert error={reorder.error} verb="moved" onRetry={() => reorder.mutate(reorder.variables!)} />
      )}
      {fields.length === 0 && <p className="muted">No custom fields.</p>}
      <ol className="plain-list custom-field-list">
        {fields.map((f, i) => (
          <li key={f.key} data-custom-field-key={f.key}>
            <div className="row">
              <span>
                <strong>{f.label}</strong>{' '}
                <span className="muted">
                  {f.key} · {typeLabel(f.type)}
                  {f.required ? ' · required' : ''}
                  {f.options ? ` · ${f.options.join(', ')}` : ''}
                </span>
              </span>
              <span className="actions">
                {moveCustomField && (
                  <>
                    <button
                      type="button"
                      className="quiet"
                      aria-label={`Move up: ${f.label}`}
                      disabled={i === 0 || reorder.isPending}
                      onClick={() => move(i, -1)}
                    >
                      Move up
                    </button>
                    <button
                      type="button"
                      className="quiet"
                      aria-label={`Move down: ${f.label}`}
                      disabled={i === fields.length - 1 || reorder.isPending}
                      onClick={() => move(i, 1)}
                    >
                      Move down
                    </button>
                  </>
                )}
                <button
                  type="button"
                  className="quiet"
                  aria-label={`Edit ${f.label}`}
                  aria-expanded={editing === f.key}
                  onClick={() => setEditing(editing === f.key ? null : f.key)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="quiet"
                  aria-label={`Retire ${f.label}`}
                  onClick={() => setRetiring(f)}
                >
                  Retire
                </button>
              </span>
            </div>
            {editing === f.key && (
              <CustomFieldEditor field={f} version={version} onDone={() => setEditing(null)} />
            )}
          </li>
        ))}
      </ol>
      <Dialog title={`Retire a ${entity} field`} open={retiring !== null} onClose={() => setRetiring(null)}>
        {retiring && <RetireField field={retiring} onDone={() => setRetiring(null)} />}
      </Dialog>
    </section>
  );
}

type Versioned = CustomFieldDefinition & { version: number };

const toForm = (f: Versioned): FormValues => ({
  label: f.label,
  required: String(f.required),
  options: JSON.stringify(f.options ?? []),
});

const LABELS: Record<string, string> = { label: 'Label', required: 'Required', options: 'Choices' };

function CustomFieldEditor({
  field,
  version,
  onDone,
}: {
  field: CustomFieldDefinition;
  version: number;
  onDone: () => void;
}) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const draft = useEditDraft<Versioned>({ ...field, version }, toForm);
  const save = useMutation({
    mutationFn: ({ body, version }: { body: Schemas['CustomFieldPatch']; version: number }) =>
      answer(
        client.PATCH('/custom-fields/{entity}/{key}', {
          params: { path: { entity: field.entity, key: field.key }, header: ifMatch(version) },
          body,
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
      onDone();
    },
  });
  const problem = save.error instanceof ApiProblem ? save.error : null;
  const stale = save.isError && describeFailure(save.error).stale;
  const options = JSON.parse(draft.values.options ?? '[]') as string[];
  const send = (at: number) => {
    const mine = new Set(draft.mine);
    if (mine.size === 0) {
      onDone();
      return;
    }
    save.mutate({
      body: {
        ...(mine.has('label') ? { label: draft.values.label ?? '' } : {}),
        ...(mine.has('required') ? { required: draft.values.required === 'true' } : {}),
        ...(mine.has('options') ? { options } : {}),
      },
      version: at,
    });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(draft.base.version);
  };
  const unplaced = errorsShownNowhere(problem, ['label', 'required', 'options']);
  return (
    <form onSubmit={submit} noValidate className="card inline-form" aria-label={`Edit ${field.label}`}>
      <ProblemAlert error={save.error} onRetry={() => send(draft.base.version)}>
        <UnplacedErrors errors={unplaced} />
      </ProblemAlert>
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={(name) => LABELS[name] ?? name}
          show={(name, value) =>
            name === 'options'
              ? (JSON.parse(value) as string[]).join(', ')
              : name === 'required'
                ? value === 'true'
                  ? 'yes'
                  : 'no'
                : value
          }
          pending={save.isPending}
          // after a 412 the record is read again before its changes are shown or saved over
          reading={version === draft.base.version}
          onSaveMine={() => {
            draft.keepMine();
            send(version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
      <Field label="Label" path="label" problem={within(problem, 'label')}>
        {(p) => (
          <input
            {...p}
            type="text"
            value={draft.values.label ?? ''}
            onChange={(e) => draft.set('label', e.target.value)}
          />
        )}
      </Field>
      <label className="inline">
        <input
          type="checkbox"
          checked={draft.values.required === 'true'}
          onChange={(e) => draft.set('required', String(e.target.checked))}
        />
        Required on new records
      </label>
      {hasOptions(field.type) && (
        <TextList
          legend="Choices"
          itemLabel="Choice"
          path="options"
          values={options}
          onChange={(values) => draft.set('options', JSON.stringify(values))}
          problem={problem}
        />
      )}
      <p className="muted">
        The key ({field.key}) and the type ({typeLabel(field.type)}) stay: stored values depend on them.
      </p>
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Save field
        </button>
        <button
          type="button"
          className="quiet"
          onClick={() => {
            draft.discard();
            onDone();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

function RetireField({ field, onDone }: { field: CustomFieldDefinition; onDone: () => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const retire = useMutation({
    mutationFn: () =>
      answer(
        client.DELETE('/custom-fields/{entity}/{key}', {
          params: { path: { entity: field.entity, key: field.key } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
      onDone();
    },
  });
  const records = pluralOf(field.entity);
  return (
    <div className="retire">
      <p>
        Retire <strong>{field.label}</strong> ({field.key}) from {records}?
      </p>
      <ul>
        <li>
          It leaves the {field.entity} forms and pages, and the CSV exports; no one can fill it in any more.
        </li>
        <li>
          Values already stored stay on their {records}: nothing is deleted, and the API still returns them in
          each record's customFields.
        </li>
        <li>
          Defining a {field.entity} field with the key {field.key} and the same type again shows them again.
        </li>
      </ul>
      <ProblemAlert error={retire.error} verb="retired" onRetry={() => retire.mutate()} />
      <div className="actions">
        <button type="button" className="danger" disabled={retire.isPending} onClick={() => retire.mutate()}>
          Retire the field
        </button>
        <button type="button" className="quiet" onClick={onDone}>
          Keep it
        </button>
      </div>
    </div>
  );
}

interface NewField {
  entity: CustomFieldEntity;
  key: string;
  label: string;
  type: CustomFieldDefinition['type'];
  required: boolean;
  options: string[];
}

const EMPTY: NewField = { entity: 'deal', key: '', label: '', type: 'text', required: false, options: [] };

/** A key from a label: "Customer tier" → "customer_tier". */
const keyFromLabel = (label: string) =>
  label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 40);

function NewCustomFieldForm() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [field, setField] = useState<NewField>(EMPTY);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const create = useMutation({
    mutationFn: (body: Schemas['NewCustomField']) =>
      answer(
        client.POST('/custom-fields', { body, params: { header: { 'Idempotency-Key': idempotencyKey } } }),
      ),
    onSuccess: (made) => {
      void queryClient.invalidateQueries({ queryKey: ['custom-fields'] });
      setField({ ...EMPTY, entity: made.entity });
      setIdempotencyKey(crypto.randomUUID());
    },
  });
  const problem = create.error instanceof ApiProblem ? create.error : null;
  const set = <K extends keyof NewField>(name: K, value: NewField[K]) =>
    setField((f) => ({ ...f, [name]: value }));
  const body = () =>
    ({
      entity: field.entity,
      key: field.key.trim(),
      label: field.label.trim(),
      type: field.type,
      required: field.required,
      ...(hasOptions(field.type) ? { options: field.options } : {}),
    }) as Schemas['NewCustomField'];
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate(body());
  };
  const unplaced = errorsShownNowhere(problem, ['entity', 'key', 'label', 'type', 'required', 'options']);
  return (
    <form onSubmit={submit} noValidate aria-label="New custom field" className="new-custom-field">
      <h3>New custom field</h3>
      <ProblemAlert error={create.error} verb="added" onRetry={() => create.mutate(body())}>
        <UnplacedErrors errors={unplaced} />
      </ProblemAlert>
      <div className="row">
        <Field label="On" path="entity" kind="choice" problem={within(problem, 'entity')}>
          {(p) => (
            <select
              {...p}
              value={field.entity}
              onChange={(e) => set('entity', e.target.value as CustomFieldEntity)}
            >
              {ENTITIES.map((e) => (
                <option key={e.entity} value={e.entity}>
                  {e.plural.toLowerCase()}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Label" path="label" problem={within(problem, 'label')}>
          {(p) => (
            <input
              {...p}
              type="text"
              value={field.label}
              onChange={(e) => set('label', e.target.value)}
              onBlur={() => {
                if (!field.key && field.label.trim()) set('key', keyFromLabel(field.label));
              }}
            />
          )}
        </Field>
        <Field
          label="Key"
          path="key"
          problem={within(problem, 'key')}
          hint="How integrators name it: lower-case letters, digits and _"
        >
          {(p) => <input {...p} type="text" value={field.key} onChange={(e) => set('key', e.target.value)} />}
        </Field>
        <Field label="Type" path="type" kind="choice" problem={within(problem, 'type')}>
          {(p) => (
            <select
              {...p}
              value={field.type}
              onChange={(e) => set('type', e.target.value as NewField['type'])}
            >
              {TYPES.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <label className="inline">
        <input type="checkbox" checked={field.required} onChange={(e) => set('required', e.target.checked)} />
        Required on new records
      </label>
      {hasOptions(field.type) && (
        <TextList
          legend="Choices"
          itemLabel="Choice"
          path="options"
          values={field.options}
          onChange={(values) => set('options', values)}
          problem={problem}
        />
      )}
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Add field
        </button>
        {create.isSuccess && <span role="status">Added {create.data.label}.</span>}
      </div>
    </form>
  );
}
