import type { Change } from './edit-draft.js';

interface ConflictNoticeProps {
  theirs: Change[];
  /** A field's label, by its name in the form. */
  labelOf: (name: string) => string;
  /** A value as a person reads it (a name for an id, a date for a date). */
  show?: (name: string, value: string) => string;
  /** Save the person's draft over the new version. */
  onSaveMine: () => void;
  onTakeTheirs: () => void;
  pending?: boolean;
  /** The record is still being read again: nothing to show or save over yet. */
  reading?: boolean;
}

/** After a 412: what someone else changed meanwhile, and the two ways on. */
export function ConflictNotice({
  theirs,
  labelOf,
  show,
  onSaveMine,
  onTakeTheirs,
  pending,
  reading = false,
}: ConflictNoticeProps) {
  const display = (name: string, value: string) => (value === '' ? 'empty' : (show?.(name, value) ?? value));
  return (
    <section className="conflict" aria-label="Changed meanwhile">
      <p>
        <strong>Changed meanwhile by someone else:</strong>
      </p>
      {reading ? (
        <p aria-busy="true">Reading what changed…</p>
      ) : theirs.length > 0 ? (
        <ul>
          {theirs.map((c) => (
            <li key={c.name}>
              {labelOf(c.name)}: {display(c.name, c.was)} → <strong>{display(c.name, c.now)}</strong>
            </li>
          ))}
        </ul>
      ) : (
        <p>Nothing you can edit here (another part of the record changed).</p>
      )}
      <p className="actions">
        <button type="button" onClick={onSaveMine} disabled={pending || reading}>
          Save mine over it
        </button>
        <button type="button" className="quiet" onClick={onTakeTheirs} disabled={reading}>
          Keep theirs
        </button>
      </p>
    </section>
  );
}
