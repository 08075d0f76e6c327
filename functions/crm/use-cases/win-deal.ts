import { assertOpen, winDeal as decide } from '../../../domain/crm/deal.commands.js';
import { assertMayChangeDeal, type Deal } from '../../../domain/crm/deal.js';
import { chooseReason } from '../../../domain/crm/deal-reasons.js';
import { DEFAULT_TEMPLATE_ID } from '../../../domain/delivery/template.js';
import { WinDeal, winReferenceIssues } from '../../../domain/handoff/requirements.js';
import { productDelta } from '../../../domain/reports/product-totals.js';
import { HandoffIncomplete } from '../../../domain/shared/errors.js';
import { isId } from '../../../domain/shared/ids.js';
import { issuesOf } from '../../../domain/shared/validation.js';
import type { CommandInput } from '../../lib/command-input.js';
import type { Services } from '../../lib/services.js';
import { UnitOfWork } from '../../lib/table/unit-of-work.js';
import { versionedCommand } from '../../lib/versioned-command.js';

/** The win's body with the accepted quote's scope summary where the win gives none. */
function withQuotedScope(body: unknown, scopeSummary: string | undefined): unknown {
  if (!scopeSummary || typeof body !== 'object' || body === null) return body ?? {};
  const handoff = (body as { handoff?: unknown }).handoff;
  if (handoff !== undefined && (typeof handoff !== 'object' || handoff === null)) return body;
  const given = (handoff ?? {}) as Record<string, unknown>;
  if (given.scopeSummary !== undefined) return body;
  return { ...body, handoff: { ...given, scopeSummary } };
}

/**
 * Closes a deal as won. The body is checked here, not by the route: one 422 names every fact
 * that is missing or invalid together with every fact that names a record that does not exist.
 * A delivery owner it names must be an active user, a condition of the win's own transaction
 * (a 422 naming `handoff.deliveryOwnerId`, the deal not won).
 */
export function winDeal(
  s: Pick<
    Services,
    | 'activities'
    | 'companies'
    | 'dealReasons'
    | 'deals'
    | 'lineItems'
    | 'productTotals'
    | 'profiles'
    | 'store'
  >,
  id: string,
  body: unknown,
  { ctx, ifMatch }: CommandInput,
): Promise<Deal> {
  const named = (body as { handoff?: { mainStakeholderContactId?: unknown } } | null)?.handoff
    ?.mainStakeholderContactId;
  const stakeholderId = typeof named === 'string' && isId('contact', named) ? named : undefined;
  const namedTemplate = (body as { templateId?: unknown } | null)?.templateId;
  const templateId =
    typeof namedTemplate === 'string' && isId('template', namedTemplate) ? namedTemplate : undefined;
  return versionedCommand({
    ifMatch,
    entity: 'deal',
    load: () => s.deals.withWinReferences(id, { stakeholderId, templateId }),
    target: (found) => found.deal,
    run: async (found) => {
      const current = found.deal;
      assertMayChangeDeal(ctx.actor, current);
      assertOpen(current, 'be won');
      const sold = s.lineItems.fromItem(found.lines, current.id);
      // the accepted quote's scope is the handoff's scope unless the win says otherwise
      const parsed = WinDeal.safeParse(withQuotedScope(body, sold.acceptedQuote?.scopeSummary));
      const why = parsed.success
        ? chooseReason(
            (await s.dealReasons.get()).won,
            { reason: parsed.data.reason, detail: parsed.data.reasonDetail },
            'reason',
          )
        : { issues: [] };
      const issues = [
        ...(parsed.success ? [] : issuesOf(parsed.error)),
        ...why.issues,
        ...winReferenceIssues({
          stakeholderId,
          stakeholder: found.stakeholder,
          templateId,
          templateExists: found.templateExists,
          defaultTemplateId: DEFAULT_TEMPLATE_ID,
        }),
      ];
      if (!parsed.success || issues.length > 0 || !found.stakeholder?.contact)
        throw new HandoffIncomplete(issues);
      const company = current.companyId ? ((await s.companies.get(current.companyId)) ?? null) : null;
      const { deal, events, completedActivity } = decide(
        current,
        parsed.data,
        { company, mainStakeholder: found.stakeholder.contact },
        ctx,
        { reason: why.reason, detail: why.detail },
      );
      const uow = s.deals.update(new UnitOfWork(), current, deal).events(events);
      // the delivery owner named must be active when the win commits: a condition, not a read
      const deliveryOwnerId = parsed.data.handoff.deliveryOwnerId;
      if (deliveryOwnerId)
        uow.add(
          ...s.profiles.requireActive(
            'handoff.deliveryOwnerId',
            deliveryOwnerId,
            ctx.actor,
            HandoffIncomplete,
          ),
        );
      s.deals.recordHistory(uow, deal, events[0]!, { change: 'won' });
      // what it sold counts in the product report, in the month it was won
      const lines = sold.lineItems;
      uow.add(...s.productTotals.writes(productDelta({ deal: current, lines }, { deal, lines })));
      if (completedActivity) s.activities.create(uow, completedActivity, false);
      await uow.commit(s.store);
      return deal;
    },
  });
}
