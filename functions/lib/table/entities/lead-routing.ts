import {
  assignee,
  LeadRouting,
  matchingRule,
  NO_ROUTING,
  type RoutingRule,
} from '../../../../domain/crm/lead-routing.js';
import { entityOf, type Key, notExists, versionIs } from '../item.js';
import { configKey } from '../partitions.js';
import { batchGet, get, patterns, write } from '../pattern.js';
import type { Store } from '../store.js';
import { type UnitOfWork, VersionConflict } from '../unit-of-work.js';
import { companyKey } from './company.js';
import { contactKey } from './contact.js';

// The lead-routing rules (one config item) and the routing of a new deal without an owner:
// one BatchGet for the rules and the deal's company and contact (for domain rules), then, for a
// round-robin rule, its turn counter (an atomic ADD, so concurrent leads never get the same
// turn). A turn taken by a deal whose write then fails is skipped, not reused.

const asRouting = entityOf<LeadRouting>(LeadRouting);

const routingKey = () => configKey('lead-routing');
/** A round-robin rule's turn counter. */
const turnsKey = (ruleId: string): Key => ({ pk: `ROUTING#${ruleId}`, sk: 'TURNS' });

export const leadRoutingPatterns = patterns({
  leadRouting: get({
    entity: 'lead routing',
    pattern: 'the lead-routing rules',
    usedBy: '`GET /lead-routing`, `PUT /lead-routing`',
    functions: ['WorkspaceApi'],
    keyCondition: '`pk = CONFIG#lead-routing, sk = CONFIG`',
    roundTrips: '1 GetItem',
    key: routingKey,
  }),
  routeNewDeal: batchGet({
    entity: 'lead routing',
    pattern: "route a deal created without an owner: the rules, the deal's company and contact",
    usedBy: '`POST /deals`, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition:
      "BatchGet `CONFIG#lead-routing`, the deal's `COMPANY#`, `CONTACT#`; for a round-robin rule, `routingTurnTaken`",
    roundTrips: '+1 read, +1 counter update',
    keys: (companyId?: string, contactId?: string) => [
      routingKey(),
      ...(companyId ? [companyKey(companyId)] : []),
      ...(contactId ? [contactKey(contactId)] : []),
    ],
  }),
  routingTurnTaken: write({
    entity: 'round-robin turn',
    pattern: "a round-robin rule's next turn (concurrent leads never get the same one)",
    usedBy: '`POST /deals`, imports',
    functions: ['CrmApi', 'CsvImport'],
    keyCondition: 'UpdateItem `ROUTING#<ruleId>` / `TURNS`: `ADD turns 1`, `UPDATED_NEW`',
    roundTrips: '1 UpdateItem',
    actions: ['UpdateItem'],
  }),
  leadRoutingWritten: write({
    entity: 'lead routing',
    pattern: 'the lead-routing rules, changed at their version',
    usedBy: '`PUT /lead-routing`',
    functions: ['WorkspaceApi'],
    keyCondition: 'Put `CONFIG#lead-routing` / `CONFIG` if absent, or at the version read',
    roundTrips: '1 transaction',
    actions: ['PutItem'],
  }),
});

export interface RoutedOwner {
  ownerId: string;
  rule: RoutingRule;
}

export class LeadRoutingRepository {
  constructor(private readonly store: Store) {}

  async get(): Promise<LeadRouting> {
    const item = await this.store.get(leadRoutingPatterns.leadRouting);
    return item ? asRouting(item) : NO_ROUTING;
  }

  save(uow: UnitOfWork, before: LeadRouting, after: LeadRouting): UnitOfWork {
    return uow.add({
      pattern: leadRoutingPatterns.leadRoutingWritten,
      put: { ...routingKey(), entity: 'lead-routing', ...after },
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
    const found = await this.store.batchGet(leadRoutingPatterns.routeNewDeal, lead.companyId, lead.contactId);
    const rules = found[0] ? asRouting(found[0]).rules : [];
    if (rules.length === 0) return undefined;
    const companyItem = lead.companyId ? found[1] : undefined;
    const contactItem = lead.contactId ? found[lead.companyId ? 2 : 1] : undefined;
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
        ? await this.store.increment(leadRoutingPatterns.routingTurnTaken, turnsKey(rule.id), 'turns')
        : 1;
    return { ownerId: assignee(rule, turn), rule };
  }
}
