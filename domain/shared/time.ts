import * as z from './zod.js';

// Instants are ISO 8601 UTC with millisecond precision, always in the same textual form, so that
// they sort correctly inside DynamoDB sort keys. Calendar dates are `YYYY-MM-DD`.

export type Instant = string;
export type CalendarDate = string;

/** A format's own message for a malformed value; a missing one is reported as missing. */
const unlessMissing = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : message;

export const Instant = z.iso
  .datetime({ error: unlessMissing('must be an ISO 8601 UTC instant, e.g. 2026-03-01T09:00:00Z') })
  // zod runs this even when the format check failed: a malformed value is left as it is (the
  // issue refuses it), never turned into an exception
  .overwrite((s) => {
    const at = new Date(s);
    return Number.isNaN(at.getTime()) ? s : at.toISOString();
  });

export const CalendarDate = z.iso.date({ error: unlessMissing('must be a calendar date YYYY-MM-DD') });

export const MS_PER_DAY = 86_400_000;

export function toMillis(instant: Instant): number {
  return Date.parse(instant);
}

export function secondsBetween(from: Instant, to: Instant): number {
  return Math.max(0, Math.round((toMillis(to) - toMillis(from)) / 1000));
}

export function addDays(instant: Instant, days: number): Instant {
  return new Date(toMillis(instant) + days * MS_PER_DAY).toISOString();
}
