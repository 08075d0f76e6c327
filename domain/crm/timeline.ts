import * as z from 'zod';
import { Activity } from './activity.js';

// A contact's timeline: what happened with them, newest first. Activities (notes, calls,
// emails, meetings, tasks) and the changes of the deals they are the primary contact of.

export const DealChange = z.enum(['created', 'moved', 'won', 'lost', 'reopened']);

export const DealHistoryEntry = z.object({
  dealId: z.string(),
  dealTitle: z.string(),
  change: DealChange,
  at: z.string(),
  by: z.string(),
  fromStageId: z.string().optional(),
  toStageId: z.string().optional(),
  reason: z.string().optional(),
});
export type DealHistoryEntry = z.infer<typeof DealHistoryEntry>;

export const TimelineEntry = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('activity'), at: z.string(), activity: Activity }),
    DealHistoryEntry.extend({ kind: z.literal('deal-change') }),
  ])
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;
