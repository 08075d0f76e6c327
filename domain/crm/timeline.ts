import * as z from '../shared/zod.js';
import { Activity } from './activity.js';

// A timeline: what happened, newest first. Activities (notes, calls, emails, meetings, tasks)
// and deal changes (created, moved, next action set, won, lost, reopened). A deal's has its own;
// a contact's, those of the deals it is the primary contact of; a company's, those of its deals.

export const DealChange = z.enum([
  'created',
  'moved',
  'next-action-set',
  'won',
  'lost',
  'reopened',
  'quote-created',
  'quote-sent',
  'quote-accepted',
  'quote-declined',
]);

export const DealHistoryEntry = z.object(() => ({
  dealId: z.string(),
  dealTitle: z.string(),
  change: DealChange,
  at: z.string(),
  by: z.string(),
  fromStageId: z.string().optional(),
  toStageId: z.string().optional(),
  reason: z.string().optional(),
  /** The next action set (`next-action-set`). */
  nextAction: z.object(() => ({ summary: z.string(), dueAt: z.string() })).optional(),
  /** The quote a `quote-…` change is about, and whom a sent one went to. */
  quote: z
    .object(() => ({
      id: z.string(),
      number: z.string(),
      quoteVersion: z.int(),
      sentTo: z.string().optional(),
    }))
    .optional(),
}));
export type DealHistoryEntry = z.infer<typeof DealHistoryEntry>;

export const TimelineEntry = z
  .discriminatedUnion('kind', () => [
    z.object(() => ({ kind: z.literal('activity'), at: z.string(), activity: Activity })),
    DealHistoryEntry.extend({ kind: z.literal('deal-change') }),
  ])
  .register(z.globalRegistry, { id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;
