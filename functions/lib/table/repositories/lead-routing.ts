import {
  assignee,
  LeadRouting,
  matchingRule,
  NO_ROUTING,
  type RoutingRule,
} from '../../../../domain/crm/lead-routing.js';
import { keys } from '../keys.js';
import { entityOf, notExists, type Store, versionIs } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';

// The lead-routing rules (one config item) and the routing of a new deal without an owner:
// one BatchGet for the rules and the deal's company and contact (for domain rules), then, for a
// round-robin rule, its turn counter (an atomic ADD, so concurrent leads never get the same
// turn). A turn taken by a deal whose write then fails is skipped, not reused.

const asRouting = entityOf<LeadRouting>(LeadRouting);

export interface RoutedOwner {
  ownerId: string;
  rule: RoutingRule;
}

export class LeadRoutingRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<LeadRouting> {
    const item = await this.store.get(keys.config('lead-routing'));
    return item ? asRouting(item) : NO_ROUTING;
  }

  save(uow: UnitOfWork, before: LeadRouting, after: LeadRouting): UnitOfWork {
    return uow.add({
      put: { ...keys.config('lead-routing'), entity: 'lead-routing', ...after },
      condition: before.version === 0 ? notExists : versionIs(before.version),
      onConditionFailed: (current) =>
        new VersionConflict('lead routing', 'lead-routing', before.version, Number(current?.version ?? 0)),
    });
  }

  /** The owner the first matching rule gives a new deal, if any rule matches. */
  async ownerFor(lead: {
    leadSource?: string | undefined;
    companyId?: string | undefined;
    contactId?: string | undefined;
  }): Promise<RoutedOwner | undefined> {
    const companyKey = lead.companyId ? keys.company(lead.companyId) : undefined;
    const contactKey = lead.contactId ? keys.contact(lead.contactId) : undefined;
    const found = await this.store.batchGet([
      keys.config('lead-routing'),
      ...(companyKey ? [companyKey] : []),
      ...(contactKey ? [contactKey] : []),
    ]);
    const rules = found[0] ? asRouting(found[0]).rules : [];
    if (rules.length === 0) return undefined;
    const companyItem = companyKey ? found[1] : undefined;
    const contactItem = contactKey ? found[companyKey ? 2 : 1] : undefined;
    const companyDomain = typeof companyItem?.domain === 'string' ? [companyItem.domain] : [];
    const emailDomains = Array.isArray(contactItem?.emails)
      ? (contactItem.emails as string[]).map((e) => e.split('@')[1]!)
      : [];
    const rule = matchingRule(rules, {
      leadSource: lead.leadSource,
      domains: companyDomain.length ? companyDomain : emailDomains,
    });
    if (!rule) return undefined;
    const turn =
      rule.assign.type === 'round-robin'
        ? await this.store.increment(keys.routingTurns(rule.id), 'turns')
        : 1;
    return { ownerId: assignee(rule, turn), rule };
  }
}
