// The API's field messages are written for integrators ("must be an ISO 8601 UTC instant",
// "expected number, received null"); a person filling a form needs to know what to do. Each
// known message becomes an instruction for the kind of input it is on; an unknown one is shown
// as the API wrote it, first letter raised, rather than guessed at.

/** What a field asks for: the instruction for a missing or malformed value depends on it. */
export type FieldKind = 'text' | 'datetime' | 'date' | 'number' | 'money' | 'currency' | 'choice' | 'email';

const MISSING: Record<FieldKind, string> = {
  text: 'Fill this in.',
  datetime: 'Pick a date and time.',
  date: 'Pick a date.',
  number: 'Enter a number.',
  money: 'Enter an amount.',
  currency: 'Enter a three-letter currency code, like EUR.',
  choice: 'Choose one.',
  email: 'Enter an email address.',
};

const sentence = (text: string) => {
  const trimmed = text.trim();
  const raised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(raised) ? raised : `${raised}.`;
};

export function plainFieldMessage(message: string, kind: FieldKind = 'text'): string {
  const m = message.trim();
  if (/^is required$|must not be empty|received (null|undefined|NaN)|expected nonempty/i.test(m))
    return MISSING[kind];
  if (/ISO 8601 UTC instant|expected string, received .*date-?time|Invalid ISO datetime/i.test(m))
    return MISSING.datetime;
  if (/YYYY-MM-DD|calendar date|Invalid ISO date/i.test(m)) return MISSING.date;
  if (/ISO 4217/.test(m)) return MISSING.currency;
  if (/minor units|expected int/i.test(m))
    return kind === 'money' ? 'Use at most the currency’s decimals (cents).' : 'Enter a whole number.';
  const longest = /Too big: expected string to have <=\s*(\d+) characters/i.exec(m);
  if (longest) return `Keep it to ${Number(longest[1]).toLocaleString()} characters or fewer.`;
  const most = /Too big: expected array to have <=\s*(\d+) items/i.exec(m);
  if (most) return `At most ${most[1]}.`;
  const atLeast = /Too small: expected number to be >=?\s*(-?[\d.]+)/i.exec(m);
  if (atLeast) return `Must be ${atLeast[1]} or more.`;
  const atMost = /Too big: expected number to be <=?\s*(-?[\d.]+)/i.exec(m);
  if (atMost) return `Must be ${atMost[1]} or less.`;
  if (/expected number/i.test(m)) return kind === 'money' ? MISSING.money : MISSING.number;
  if (/must be a user id/i.test(m)) return 'Choose a person from the team.';
  if (/Invalid (string|input): must match pattern \/\^(ct|co|deal|pl|st|task|prj|tpl)_/i.test(m))
    return 'Choose one from the list.';
  if (/Invalid email/i.test(m)) return 'Enter an email address like name@example.com.';
  if (/Invalid (option|enum)/i.test(m) || (kind === 'choice' && /^must be one of/i.test(m)))
    return MISSING.choice;
  return sentence(m);
}
