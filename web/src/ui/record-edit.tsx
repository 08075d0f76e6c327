import { useMutation } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { ApiProblem } from '../api/client.js';
import { ConflictNotice } from './ConflictNotice.js';
import { type FormValues, useEditDraft } from './edit-draft.js';
import { describeFailure } from './failure.js';
import { ProblemAlert } from './ProblemAlert.js';

// One way to edit any record (a deal, a contact, a company, a project): a draft over the
// version read (edit-draft.ts), a PATCH of what changed If-Match that version, the refusal said
// at each field, no answer offered again, and a 412 shown as what changed with the two ways on.

interface Versioned {
  version: number;
}

interface RecordEditOptions<R extends Versioned, P> {
  record: R;
  toForm: (record: R) => FormValues;
  /** The patch of the fields the person changed (`mine`), from the draft's strings. */
  patchOf: (values: FormValues, mine: Set<string>, base: FormValues) => P;
  send: (patch: P, version: number) => Promise<R>;
  onSaved: (saved: R) => void;
  /** Saving with nothing changed: nothing is sent (default: as if saved). */
  onUnchanged?: () => void;
}

export function useRecordEdit<R extends Versioned, P>({
  record,
  toForm,
  patchOf,
  send,
  onSaved,
  onUnchanged = () => onSaved(record),
}: RecordEditOptions<R, P>) {
  const draft = useEditDraft(record, toForm);
  const save = useMutation({
    mutationFn: ({ patch, version }: { patch: P; version: number }) => send(patch, version),
    onSuccess: (saved) => {
      draft.saved(saved);
      onSaved(saved);
    },
  });
  const sendAt = (version: number) => {
    if (draft.mine.length === 0) return onUnchanged();
    save.mutate({ patch: patchOf(draft.values, new Set(draft.mine), toForm(draft.base)), version });
  };
  return {
    draft,
    save,
    /** After a 412: the record has been read again (what changed can be shown and saved over). */
    reread: record.version !== draft.base.version,
    problem: save.error instanceof ApiProblem ? save.error : null,
    /** Props for a controlled text input of the draft. */
    input: (name: string) => ({
      value: draft.values[name] ?? '',
      onChange: (e: { target: { value: string } }) => draft.set(name, e.target.value),
    }),
    submit: (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      sendAt(draft.base.version);
    },
    retry: () => sendAt(draft.base.version),
    saveMineOver: () => {
      draft.keepMine();
      sendAt(record.version);
    },
    takeTheirs: () => {
      draft.takeTheirs();
      save.reset();
    },
  };
}

export type RecordEdit<R extends Versioned, P> = ReturnType<typeof useRecordEdit<R, P>>;

interface RecordEditFormProps<R extends Versioned, P> {
  edit: RecordEdit<R, P>;
  label: string;
  labelOf: (name: string) => string;
  show?: (name: string, value: string) => string;
  onCancel: () => void;
  /** The save button's words (default "Save changes"). */
  submitLabel?: string;
  className?: string;
  children: ReactNode;
}

/** The frame of an edit form: the failure, the 412's changes, the fields, save and cancel. */
export function RecordEditForm<R extends Versioned, P>({
  edit,
  label,
  labelOf,
  show,
  onCancel,
  submitLabel = 'Save changes',
  className = 'card record-edit',
  children,
}: RecordEditFormProps<R, P>) {
  const stale = edit.save.isError && describeFailure(edit.save.error).stale;
  return (
    <form onSubmit={edit.submit} noValidate className={className} aria-label={label}>
      <ProblemAlert error={edit.save.error} onRetry={edit.retry} />
      {stale && (
        <ConflictNotice
          theirs={edit.draft.theirs}
          labelOf={labelOf}
          {...(show ? { show } : {})}
          pending={edit.save.isPending}
          reading={!edit.reread}
          onSaveMine={edit.saveMineOver}
          onTakeTheirs={edit.takeTheirs}
        />
      )}
      {children}
      <div className="actions">
        <button type="submit" disabled={edit.save.isPending}>
          {submitLabel}
        </button>
        <button
          type="button"
          className="quiet"
          onClick={() => {
            edit.draft.discard();
            onCancel();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
