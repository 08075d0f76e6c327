import * as z from 'zod';
import { ContactId } from '../crm/contact.js';
import { idSchema } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { CalendarDate } from '../shared/time.js';

// The facts delivery needs to start a project. A deal is closed-won only with every one of
// them; a refusal names each missing or invalid field at once.

export const PromisedTimeline = z
  .strictObject({
    dueDate: CalendarDate,
    notes: text(2_000).optional(),
  })
  .meta({ id: 'PromisedTimeline' });

export const HandoffFacts = z
  .strictObject({
    scopeSummary: text(5_000),
    promisedTimeline: PromisedTimeline,
    keyConstraints: z.array(text(500)).min(1, { error: 'list at least one key constraint' }).max(50),
    mainStakeholderContactId: ContactId,
    kickoffDate: CalendarDate,
  })
  .superRefine((facts, ctx) => {
    if (facts.promisedTimeline.dueDate < facts.kickoffDate) {
      ctx.addIssue({
        code: 'custom',
        path: ['promisedTimeline', 'dueDate'],
        message: `must not be before the kickoff date ${facts.kickoffDate}`,
      });
    }
  });
export type HandoffFacts = z.infer<typeof HandoffFacts>;

/** Body of `POST /deals/{id}/won`. A missing `handoff` is read as `{}` so every field is named. */
export const WinDeal = z.strictObject({
  handoff: z.preprocess((v) => (v === undefined || v === null ? {} : v), HandoffFacts),
  templateId: idSchema('template').optional(),
});
export type WinDeal = z.infer<typeof WinDeal>;
