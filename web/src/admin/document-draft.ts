import { useEffect, useState } from 'react';
import type { Change } from '../ui/edit-draft.js';

// The settings an admin edits here are nested documents (a rule list, a template's tasks), not
// flat records, so the console's edit draft (ui/edit-draft.ts, a string per field) is kept in
// spirit, not in code: the person edits a copy of the document read at a version (the base);
// a failed save (422, 412, no answer) keeps the copy; a 412 lists what changed on the server,
// leaf by leaf, for ui/ConflictNotice; the copy is reset only by a successful save.

interface Versioned {
  version: number;
}

export function useDocumentDraft<R extends Versioned, D>(record: R, toDraft: (record: R) => D) {
  const [base, setBase] = useState(record);
  const [draft, setDraft] = useState<D>(() => toDraft(record));
  const touched = JSON.stringify(draft) !== JSON.stringify(toDraft(base));
  // a record read again while nothing is edited: follow it
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the record's version only
  useEffect(() => {
    if (!touched && record.version !== base.version) {
      setBase(record);
      setDraft(toDraft(record));
    }
  }, [record.version, touched]);
  const theirs: Change[] =
    record.version === base.version ? [] : changedLeaves(toDraft(base), toDraft(record));
  return {
    base,
    draft,
    /** Replaces the draft (the JSON view) or edits a copy of it (the form). */
    setDraft,
    edit: (change: (copy: D) => void) =>
      setDraft((current) => {
        const copy = structuredClone(current);
        change(copy);
        return copy;
      }),
    touched,
    /** What changed on the server since the person started (after a 412). */
    theirs,
    /** Keep the draft, now over the latest version (the next save sends If-Match that). */
    keepMine: () => setBase(record),
    /** The server's document replaces the draft. */
    takeTheirs: () => {
      setBase(record);
      setDraft(toDraft(record));
    },
    /** After a successful save: the saved record is the base, the draft starts from it. */
    saved: (next: R) => {
      setBase(next);
      setDraft(toDraft(next));
    },
    discard: () => {
      setBase(record);
      setDraft(toDraft(record));
    },
  };
}

/** A document's leaves by dotted path ("rules.0.name"); a list of plain values is one leaf. */
export function leaves(value: unknown, path = '', out: Record<string, string> = {}): Record<string, string> {
  if (Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
    value.forEach((v, i) => {
      leaves(v, path ? `${path}.${i}` : String(i), out);
    });
  } else if (Array.isArray(value)) {
    out[path] = value.join(', ');
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  } else if (value !== undefined && value !== null) {
    out[path] = String(value);
  }
  return out;
}

/** The leaves that differ between two versions of a document, as ConflictNotice lists them. */
export function changedLeaves(before: unknown, after: unknown): Change[] {
  const was = leaves(before);
  const now = leaves(after);
  return [...new Set([...Object.keys(now), ...Object.keys(was)])]
    .filter((k) => now[k] !== was[k])
    .map((name) => ({ name, now: now[name] ?? '', was: was[name] ?? '' }));
}

/** Moves the item at `from` one place up (-1) or down (+1); the list is changed in place. */
export function moveItem<T>(list: T[], from: number, by: -1 | 1): void {
  const to = from + by;
  if (to < 0 || to >= list.length) return;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item as T);
}
