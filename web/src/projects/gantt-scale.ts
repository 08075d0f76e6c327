import { addCalendarDays } from './business-days.js';

// The timeline's scale: how wide a day is at each zoom, where its header ticks fall, and which
// date it opens on. Pure, so the drawing (Gantt.tsx) only maps dates to pixels.

export const ZOOMS = [
  { id: 'weeks', label: 'Weeks', dayWidth: 22 },
  { id: 'months', label: 'Months', dayWidth: 7 },
  { id: 'quarters', label: 'Quarters', dayWidth: 2.5 },
] as const;
export type Zoom = (typeof ZOOMS)[number]['id'];

export interface Tick {
  date: string;
  label: string;
}

const weekFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** Where a period starts: a Monday (weeks), the 1st of a month, the 1st of a quarter. */
function startsPeriod(day: string, zoom: Zoom): boolean {
  const d = asDate(day);
  if (zoom === 'weeks') return d.getUTCDay() === 1;
  if (d.getUTCDate() !== 1) return false;
  return zoom === 'months' || d.getUTCMonth() % 3 === 0;
}

function labelOf(day: string, zoom: Zoom): string {
  const d = asDate(day);
  if (zoom === 'weeks') return weekFormat.format(d);
  if (zoom === 'months') return monthFormat.format(d);
  return `Q${Math.floor(d.getUTCMonth() / 3) + 1} ${d.getUTCFullYear()}`;
}

/** The header's ticks from `from` for `days` days: one per week, month or quarter. */
export function ticksOf(from: string, days: number, zoom: Zoom): Tick[] {
  const ticks: Tick[] = [];
  for (let i = 0; i < days; i++) {
    const day = addCalendarDays(from, i);
    if (startsPeriod(day, zoom)) ticks.push({ date: day, label: labelOf(day, zoom) });
  }
  return ticks;
}

interface FocusTask {
  startDate: string;
  dueDate: string;
  status: string;
}

/**
 * The date the timeline opens on: where the work is late or due. The earliest of the first
 * unfinished task already past its due date (its start, so its bar shows), today and the
 * promise; kept within the chart.
 */
export function focusDate(
  tasks: FocusTask[],
  today: string,
  promisedDueDate: string | null,
  chart: { from: string; to: string },
): string {
  const late = tasks
    .filter((t) => t.status !== 'done' && t.dueDate < today)
    .map((t) => t.startDate)
    .sort()[0];
  const earliest = [late, today, promisedDueDate].filter((d): d is string => Boolean(d)).sort()[0]!;
  if (earliest < chart.from) return chart.from;
  if (earliest > chart.to) return chart.to;
  return earliest;
}
