import { useEffect, useState } from 'react';

// Editing a record that others edit too. The person's edit is a draft over the version they
// started from (the base). Saving sends only what they changed, If-Match the base. When the
// server answers 412 the record is read again, and the draft is kept: the fields someone else
// changed since the base are listed beside it, and the person either saves theirs over it (the
// draft rebased on the new version) or takes the server's values. Nothing typed is dropped by a
// refetch: a record read again while the draft is untouched simply becomes the new base.

export type FormValues = Record<string, string>;

interface Versioned {
  version: number;
}

export interface Change {
  name: string;
  /** Their value now, as the form shows it. */
  now: string;
  /** The value the person started from. */
  was: string;
}

export function useEditDraft<R extends Versioned>(record: R, toForm: (record: R) => FormValues) {
  const [base, setBase] = useState(record);
  const [values, setValues] = useState(() => toForm(record));
  const baseForm = toForm(base);
  const mine = Object.keys(values).filter((k) => values[k] !== baseForm[k]);
  const latest = toForm(record);
  const theirs: Change[] =
    record.version === base.version
      ? []
      : Object.keys(latest)
          .filter((k) => latest[k] !== baseForm[k])
          .map((name) => ({ name, now: latest[name] ?? '', was: baseForm[name] ?? '' }));
  const untouched = mine.length === 0;
  // a record read again while nothing is typed: follow it
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the record's version only
  useEffect(() => {
    if (untouched && record.version !== base.version) {
      setBase(record);
      setValues(toForm(record));
    }
  }, [record.version, untouched]);
  // a field the person has not touched shows the record as it is now, not as it was when they began
  const mineSet = new Set(mine);
  const shown = Object.fromEntries(
    Object.keys(values).map((k) => [k, mineSet.has(k) ? values[k]! : (latest[k] ?? values[k]!)]),
  );
  return {
    base,
    values: shown,
    set: (name: string, value: string) => setValues((v) => ({ ...v, [name]: value })),
    /** Names of the fields the person changed. */
    mine,
    /** Fields changed on the server since the person started. */
    theirs,
    /** Keep the draft, now over the latest version (the next save sends it If-Match that). */
    keepMine: () => setBase(record),
    /** Take the server's values for the fields it changed; the person's other edits stay. */
    takeTheirs: () => {
      setValues((v) => ({ ...v, ...Object.fromEntries(theirs.map((c) => [c.name, c.now])) }));
      setBase(record);
    },
    /** After a save: the saved record is the new base, the draft is empty. */
    saved: (next: R) => {
      setBase(next);
      setValues(toForm(next));
    },
    discard: () => {
      setBase(record);
      setValues(toForm(record));
    },
  };
}
