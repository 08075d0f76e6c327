import { ContactId } from '../crm/contact.js';
import type { FieldIssue } from '../shared/errors.js';
import { idSchema, UserId } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { CalendarDate } from '../shared/time.js';
import * as z from '../shared/zod.js';

// The facts delivery needs to start a project. A deal is closed-won only with every one of
// them; a refusal names each missing or invalid field at once.

export const PromisedTimeline = z
  .strictObject(() => ({
    dueDate: CalendarDate,
    notes: text(2_000).optional(),
  }))
  .register(z.globalRegistry, { id: 'PromisedTimeline' });

export const HandoffFacts = z
  .strictObject(() => ({
    scopeSummary: text(5_000),
    promisedTimeline: PromisedTimeline,
    keyConstraints: z.array(text(500)).min(1, { error: 'list at least one key constraint' }).max(50),
    mainStakeholderContactId: ContactId,
    kickoffDate: CalendarDate,
    deliveryOwnerId: UserId.optional().describe(
      "who delivers the project: its delivery owner (the project's ownerId), an active user. Without it, the kickoff template's defaultOwnerId, else the deal's owner (noted on the project as a fallback). A deal won again changes its project's delivery owner only when its win names one",
    ),
    replan: z
      .boolean()
      .optional()
      .describe(
        'a deal won again: true (the default) schedules its project again from this kickoff, keeping tasks, progress and edits; false keeps the plan and its kickoff as they are and takes only the new promise',
      ),
  }))
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
export const WinDeal = z.strictObject(() => ({
  handoff: z.preprocess((v) => (v === undefined || v === null ? {} : v), HandoffFacts),
  templateId: idSchema('template').optional(),
  reason: text(500)
    .optional()
    .describe('why it was won: one of the won reasons, when admins defined them, or "other"'),
  reasonDetail: text(500).optional().describe('what "other" means here'),
}));
export type WinDeal = z.infer<typeof WinDeal>;

/**
 * What a win's facts name must exist: the main stakeholder (a merged one names its survivor)
 * and the template. The default template exists from its first use on: naming it is always right.
 */
export function winReferenceIssues(named: {
  stakeholderId: string | undefined;
  stakeholder: { mergedInto?: string | undefined } | undefined;
  templateId: string | undefined;
  templateExists: boolean;
  defaultTemplateId: string;
}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const path = 'handoff.mainStakeholderContactId';
  if (named.stakeholderId && !named.stakeholder) {
    issues.push({ path, message: `contact ${named.stakeholderId} does not exist` });
  } else if (named.stakeholder?.mergedInto) {
    issues.push({
      path,
      message: `contact ${named.stakeholderId} was merged into ${named.stakeholder.mergedInto}; use that one`,
    });
  }
  if (named.templateId && !named.templateExists && named.templateId !== named.defaultTemplateId)
    issues.push({ path: 'templateId', message: `template ${named.templateId} does not exist` });
  return issues;
}
