import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, answer, ifMatch, type Schemas } from '../api/client.js';
import { usePeople } from '../api/queries.js';
import { useSession } from '../app/session-context.js';
import { ConflictNotice } from '../ui/ConflictNotice.js';
import { describeFailure } from '../ui/failure.js';
import { ProblemAlert } from '../ui/ProblemAlert.js';
import { useDocumentDraft } from './document-draft.js';
import { JsonView } from './JsonView.js';
import { errorsShownNowhere, UnplacedErrors } from './PathErrors.js';
import { TemplateFields, templateFieldPaths } from './TemplateFields.js';
import {
  newTemplateDraft,
  parseTemplateDraft,
  type TemplateDraft,
  type TemplateRecord,
  templateDraftOf,
  templatePatchOf,
  templatePathLabel,
} from './template-draft.js';

// Kickoff templates: the list, a form for a new one (POST /templates, one Idempotency-Key per
// form so a retry after a lost answer makes one template) and an editor for each (PATCH
// /templates/{id} with the fields changed, If-Match the version read). Every change is a new
// version; projects keep the version they were made from.

type TemplatePatch = paths['/templates/{id}']['patch']['requestBody']['content']['application/json'];

export function Templates() {
  const { client } = useSession();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => answer(client.GET('/templates', { params: { query: { limit: 100 } } })),
  });
  if (!templates.data)
    return (
      <ProblemAlert
        error={templates.error}
        loading="the templates"
        onRetry={() => void templates.refetch()}
      />
    );
  const items = templates.data.items;
  return (
    <div className="card">
      <ul className="plain-list templates">
        {items.map((t) => (
          <li key={t.id}>
            <strong>{t.name}</strong>
            {t.isDefault && <span className="badge">default</span>}{' '}
            <span className="muted">
              {t.tasks.length} tasks, version {t.version}
            </span>{' '}
            <button
              type="button"
              className="quiet"
              aria-expanded={editing === t.id}
              aria-label={`Edit ${t.name}`}
              onClick={() => setEditing(editing === t.id ? null : t.id)}
            >
              Edit
            </button>
            {editing === t.id && <TemplateEditor template={t} onDone={() => setEditing(null)} />}
          </li>
        ))}
      </ul>
      {adding ? (
        <NewTemplateForm onDone={() => setAdding(false)} />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          New template
        </button>
      )}
    </div>
  );
}

interface FormShellProps {
  label: string;
  draft: TemplateDraft;
  setDraft: (d: TemplateDraft) => void;
  edit: (change: (d: TemplateDraft) => void) => void;
  error: unknown;
  pending: boolean;
  submitLabel: string;
  onSubmit: () => void;
  onCancel: () => void;
  reset: () => void;
  isDefault?: boolean;
  children?: ReactNode;
}

/** What the new template's form and an editor share: the fields, the JSON view, the refusals. */
function TemplateForm({
  label,
  draft,
  setDraft,
  edit,
  error,
  pending,
  submitLabel,
  onSubmit,
  onCancel,
  reset,
  isDefault,
  children,
}: FormShellProps) {
  const [jsonWrong, setJsonWrong] = useState<string | null>(null);
  const [blocked, setBlocked] = useState(false);
  const problem = error instanceof ApiProblem ? error : null;
  const paths = templateFieldPaths(draft);
  const unplaced = errorsShownNowhere(problem, paths.shown, paths.exact);
  const submit = (event?: FormEvent<HTMLFormElement>) => {
    event?.preventDefault();
    setBlocked(jsonWrong !== null);
    if (jsonWrong === null) onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate className="card template-form" aria-label={label}>
      <ProblemAlert error={error} onRetry={() => submit()}>
        <UnplacedErrors errors={unplaced} labelOf={templatePathLabel} />
      </ProblemAlert>
      {blocked && jsonWrong && (
        <div role="alert" className="problem">
          <strong>Not saved: the JSON in the advanced view is not valid.</strong>
          <p>{jsonWrong} Correct it there, or change the form, which replaces it.</p>
        </div>
      )}
      {children}
      <TemplateFields
        draft={draft}
        edit={edit}
        restructure={(change) => {
          reset();
          edit(change);
        }}
        problem={problem}
        {...(isDefault ? { isDefault } : {})}
      />
      <JsonView
        label="The template as JSON (as POST /templates takes it)"
        draft={draft}
        parse={parseTemplateDraft}
        onChange={(next) => {
          reset();
          setDraft(next);
        }}
        onWrong={setJsonWrong}
      />
      <div className="actions">
        <button type="submit" disabled={pending}>
          {submitLabel}
        </button>
        <button type="button" className="quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The draft as the API takes it: loose where the JSON view let the person type anything (the API checks it). */
const newTemplateBody = (d: TemplateDraft) => d as unknown as Schemas['NewTemplate'];

function NewTemplateForm({ onDone }: { onDone: () => void }) {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(newTemplateDraft);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const create = useMutation({
    mutationFn: (body: TemplateDraft) =>
      answer(
        client.POST('/templates', {
          body: newTemplateBody(body),
          params: { header: { 'Idempotency-Key': idempotencyKey } },
        }),
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
      onDone();
    },
  });
  return (
    <TemplateForm
      label="New template"
      draft={draft}
      setDraft={setDraft}
      edit={(change) =>
        setDraft((current) => {
          const copy = structuredClone(current);
          change(copy);
          return copy;
        })
      }
      error={create.error}
      pending={create.isPending}
      submitLabel="Create template"
      onSubmit={() => create.mutate(draft)}
      onCancel={onDone}
      reset={create.reset}
    >
      <h3>New template</h3>
    </TemplateForm>
  );
}

function TemplateEditor({ template, onDone }: { template: TemplateRecord; onDone: () => void }) {
  const { client } = useSession();
  const { nameOf } = usePeople();
  const queryClient = useQueryClient();
  const draft = useDocumentDraft(template, templateDraftOf);
  const save = useMutation({
    mutationFn: ({ body, version }: { body: Record<string, unknown>; version: number }) =>
      answer(
        client.PATCH('/templates/{id}', {
          params: { path: { id: template.id }, header: ifMatch(version) },
          body: body as TemplatePatch,
        }),
      ),
    onSuccess: (saved) => {
      draft.saved(saved);
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
      onDone();
    },
  });
  const stale = save.isError && describeFailure(save.error).stale;
  const send = (version: number) => {
    const patch = templatePatchOf(templateDraftOf(draft.base), draft.draft);
    if (Object.keys(patch).length === 0) onDone();
    else save.mutate({ body: patch, version });
  };
  return (
    <TemplateForm
      label={`Edit ${template.name}`}
      draft={draft.draft}
      setDraft={draft.setDraft}
      edit={draft.edit}
      error={save.error}
      pending={save.isPending}
      submitLabel="Save template"
      onSubmit={() => send(draft.base.version)}
      onCancel={() => {
        draft.discard();
        onDone();
      }}
      reset={save.reset}
      isDefault={template.isDefault}
    >
      {stale && (
        <ConflictNotice
          theirs={draft.theirs}
          labelOf={templatePathLabel}
          show={(name, value) =>
            name === 'defaultOwnerId' || name.endsWith('approverUserId') ? nameOf(value) : value
          }
          pending={save.isPending}
          // after a 412 the record is read again before its changes are shown or saved over
          reading={template.version === draft.base.version}
          onSaveMine={() => {
            draft.keepMine();
            send(template.version);
          }}
          onTakeTheirs={() => {
            draft.takeTheirs();
            save.reset();
          }}
        />
      )}
    </TemplateForm>
  );
}
