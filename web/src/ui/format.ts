const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format;
}

/** The API counts money in the currency's minor unit (cents); 2 for EUR, 0 for JPY. */
export const minorDigits = (currency: string) => {
  try {
    return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2; // an unknown code: the API refuses it, naming the field
  }
};

/**
 * What a person typed ("12500.50", "12500,5") as the API's amount in minor units (1250050),
 * exactly: the digits are moved, not multiplied (12.34 × 100 is 1233.9999… in floating point).
 * More decimals than the currency has (12.345 EUR) is not rounded away: the amount sent keeps
 * its fraction and the API refuses it at the field ("Use at most the currency's decimals").
 * Empty or not a number: NaN (null in JSON), which the API names as a missing amount.
 */
export function minorFromTyped(typed: string, currency: string): number {
  const text = typed.trim().replace(',', '.');
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!text || !match || (match[2] === '' && !match[3])) return Number.NaN;
  const digits = minorDigits(currency);
  const [, sign, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return Number(text) * 10 ** digits;
  return Number(`${sign}${whole || '0'}${fraction.padEnd(digits, '0')}`);
}

export function money(value: { amount: number; currency: string }): string {
  return moneyFormat(value.currency).format(value.amount / 10 ** minorDigits(value.currency));
}

/** Totals in several currencies, each on its own (the API never converts). */
export const totals = (values: { amount: number; currency: string }[]) =>
  values.length === 0 ? '–' : values.map(money).join(' + ');

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export const dateTime = (iso: string) => dateTimeFormat.format(new Date(iso));
/** A calendar date (YYYY-MM-DD) as the reader writes dates; no time zone shift. */
export const date = (day: string) => dateFormat.format(new Date(`${day}T00:00:00Z`));

/** "3 h late", "2 d late": how late a due time is. */
export function lateness(minutes: number): string {
  if (minutes < 60) return `${minutes} min late`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h late`;
  return `${Math.round(minutes / 1440)} d late`;
}

/** A datetime-local input's value (local time) as an ISO instant, or '' when empty. */
export const isoFromLocal = (local: string) => (local ? new Date(local).toISOString() : '');

/** An ISO instant as a datetime-local input's value. */
export function localFromIso(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The API's amount (1250050) as the number a person reads and types (12500.5). */
export const majorFromMinor = (minor: number, currency: string) => minor / 10 ** minorDigits(currency);
