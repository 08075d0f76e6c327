import { useRef, useState } from 'react';
import { dateTime } from './format.js';

// A due time in the past is almost always a slip of the date picker (2020 for 2030); it is
// still allowed (logging what was due yesterday), once the person confirms it. The confirmation
// is for that exact instant: changing the date asks again. It is kept in a ref as well as
// shown, so the submit that follows the click sees it at once.

export function usePastDueCheck() {
  const confirmed = useRef<string | null>(null);
  const [asking, setAsking] = useState<string | null>(null);
  return {
    /** True when `iso` may be sent now; otherwise the question is shown and false returned. */
    allows(iso: string): boolean {
      if (
        !iso ||
        Number.isNaN(Date.parse(iso)) ||
        Date.parse(iso) >= Date.now() ||
        confirmed.current === iso
      ) {
        setAsking(null);
        return true;
      }
      setAsking(iso);
      return false;
    },
    /** The question to show at the due field, while one is asked. */
    question: asking ? `That is in the past (${dateTime(asking)}). Save it anyway?` : null,
    confirm: () => {
      confirmed.current = asking;
    },
    dismiss: () => setAsking(null),
  };
}
