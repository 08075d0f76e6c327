import { EmailSummary } from '../email/message.js';
import { idSchema, UserId } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { CompanyId } from './company.js';
import { ContactId } from './contact.js';
import { DealId } from './deal.js';

export const ActivityId = idSchema('activity');
export const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'task', 'note'] as const;
export const ActivityType = z.enum(ACTIVITY_TYPES);

export const NewActivity = z
  .strictObject(() => ({
    type: ActivityType,
    subject: text(300),
    body: text(20_000).optional(),
    dealId: DealId.optional(),
    contactId: ContactId.optional(),
    /** When it is due (tasks, planned calls and meetings). */
    dueAt: Instant.optional(),
    /** When it happened (a logged call, a sent email). */
    occurredAt: Instant.optional(),
    done: z.boolean().optional(),
    outcome: text(2_000).optional(),
    /** Who is to do it (tasks only; default: whoever logs it). */
    assigneeId: UserId.optional(),
  }))
  .refine((a) => a.dealId !== undefined || a.contactId !== undefined, {
    error: 'link the activity to a deal, a contact, or both',
    path: ['dealId'],
  })
  .refine((a) => a.assigneeId === undefined || a.type === 'task', {
    error: 'only a task is assigned (type: task)',
    path: ['assigneeId'],
  })
  .refine((a) => a.type !== 'task' || a.done === true || a.dueAt !== undefined, {
    error: 'an open task needs a due time (dueAt), so it can be followed up',
    path: ['dueAt'],
  });
export type NewActivity = z.infer<typeof NewActivity>;

export const ActivityPatch = z
  .strictObject(() => ({
    subject: text(300).optional(),
    body: text(20_000).nullable().optional(),
    dueAt: Instant.nullable().optional(),
    occurredAt: Instant.nullable().optional(),
    done: z.boolean().optional(),
    outcome: text(2_000).nullable().optional(),
    assigneeId: UserId.optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type ActivityPatch = z.infer<typeof ActivityPatch>;

export const Activity = z
  .object(() => ({
    id: ActivityId,
    type: ActivityType,
    subject: z.string(),
    body: z.string().optional(),
    dealId: DealId.optional(),
    contactId: ContactId.optional(),
    /** The company whose timeline it is on: the deal's, else the contact's (set when logged). */
    companyId: CompanyId.optional(),
    /** Who logged it. */
    ownerId: z.string(),
    /** A task's assignee: who the sweep, the follow-ups and the digest remind. */
    assigneeId: z.string().optional(),
    dueAt: Instant.optional(),
    occurredAt: Instant.optional(),
    done: z.boolean(),
    doneAt: Instant.optional(),
    outcome: z.string().optional(),
    /** An email captured from the mail (type `email`): its participants and where the whole message is. */
    email: EmailSummary.optional(),
    createdAt: Instant,
    updatedAt: Instant,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Activity' });
export type Activity = z.infer<typeof Activity>;

/** Where the activity sits on a contact's timeline: when it happened, else when due, else logged. */
export function timelineInstant(a: Pick<Activity, 'occurredAt' | 'dueAt' | 'createdAt'>): string {
  return a.occurredAt ?? a.dueAt ?? a.createdAt;
}

/** An open task is followed up at its due time; everything else is never late. */
export function isOpenTask(a: Pick<Activity, 'type' | 'done' | 'dueAt'>): boolean {
  return a.type === 'task' && !a.done && a.dueAt !== undefined;
}
