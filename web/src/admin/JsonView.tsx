import { useEffect, useId, useState } from 'react';

// The advanced view of a settings document: the very draft the form edits, as the JSON the API
// takes. Typing valid JSON of the right shape changes the draft (and so the form); while the
// text is not yet that, the form keeps the last good draft, the view says what is wrong and
// `onWrong` tells the form, which then refuses to save rather than send something else than
// what the person sees. A change made in the form is shown here at once.

interface JsonViewProps<D> {
  label: string;
  draft: D;
  /** The text as a draft, or an Error saying why it is not one ("rules must be a list"). */
  parse: (value: unknown) => D | Error;
  onChange: (draft: D) => void;
  /** Why the text is not a draft (null: it is). */
  onWrong: (reason: string | null) => void;
}

const text = (value: unknown) => JSON.stringify(value, null, 2);

export function JsonView<D>({ label, draft, parse, onChange, onWrong }: JsonViewProps<D>) {
  const id = useId();
  const [typed, setTyped] = useState(() => text(draft));
  const [wrong, setWrongState] = useState<string | null>(null);
  const setWrong = (reason: string | null) => {
    setWrongState(reason);
    onWrong(reason);
  };
  // the form changed the draft (or it was saved, or discarded): show it, over a text that was
  // not valid too, unless the text already says the same
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the draft only
  useEffect(() => {
    let same = false;
    try {
      same = JSON.stringify(JSON.parse(typed)) === JSON.stringify(draft);
    } catch {
      same = false;
    }
    if (!same) {
      setTyped(text(draft));
      if (wrong !== null) setWrong(null);
    }
  }, [JSON.stringify(draft)]);
  const change = (value: string) => {
    setTyped(value);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      setWrong(`This is not JSON yet (${(e as Error).message}).`);
      return;
    }
    const next = parse(parsed);
    if (next instanceof Error) {
      setWrong(next.message);
      return;
    }
    setWrong(null);
    onChange(next);
  };
  return (
    <details className="json-view">
      <summary>Advanced: edit as JSON</summary>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={14}
        className="json"
        spellCheck={false}
        value={typed}
        aria-invalid={wrong !== null}
        {...(wrong ? { 'aria-describedby': `${id}-wrong` } : {})}
        onChange={(e) => change(e.target.value)}
      />
      {wrong && (
        <p id={`${id}-wrong`} className="field-errors">
          {wrong}
        </p>
      )}
    </details>
  );
}
