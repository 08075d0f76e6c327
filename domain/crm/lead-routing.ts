import { idSchema, UserId } from '../shared/ids.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { Domain } from './company.js';
import { LeadSource } from './deal.js';

// Lead routing: admin-defined rules that give a new deal without an owner one. The first rule
// whose conditions all hold wins; it names a fixed owner or a round-robin among several (the
// turn is a counter the caller reads, so the domain stays deterministic).

export const RuleId = idSchema('rule');

const unique = (values: string[]) => new Set(values).size === values.length;

export const RoutingMatch = z
  .strictObject(() => ({
    leadSources: z
      .array(LeadSource)
      .min(1)
      .max(50)
      .optional()
      .describe('the deal’s lead source is one of these'),
    companyDomains: z
      .array(Domain)
      .min(1)
      .max(200)
      .optional()
      .describe(
        "the deal's company's domain (or else its contact's email domain) is one of these or a subdomain",
      ),
  }))
  .refine((m) => m.leadSources !== undefined || m.companyDomains !== undefined, {
    error: 'a rule matches by leadSources, companyDomains or both',
  })
  .register(z.globalRegistry, { id: 'RoutingMatch' });

export const RoutingAssignment = z
  .discriminatedUnion('type', () => [
    z.strictObject(() => ({ type: z.literal('fixed'), ownerId: UserId })),
    z.strictObject(() => ({
      type: z.literal('round-robin'),
      ownerIds: z
        .array(UserId)
        .min(2, { error: 'a round-robin needs at least two owners' })
        .max(50)
        .refine(unique, { error: 'lists the same owner twice' }),
    })),
  ])
  .register(z.globalRegistry, { id: 'RoutingAssignment' });
export type RoutingAssignment = z.infer<typeof RoutingAssignment>;

const RuleInput = z.strictObject(() => ({
  id: RuleId.optional().describe('keep a rule (and its round-robin turn) by sending its id back'),
  name: text(100),
  match: RoutingMatch,
  assign: RoutingAssignment,
}));

/** Body of `PUT /lead-routing`: the whole ordered rule list; the first match wins. */
export const LeadRoutingInput = z
  .strictObject(() => ({
    rules: z
      .array(RuleInput)
      .max(50)
      .refine((rules) => unique(rules.flatMap((r) => (r.id ? [r.id] : []))), {
        error: 'lists the same rule id twice',
      }),
  }))
  .register(z.globalRegistry, { id: 'LeadRoutingInput' });
export type LeadRoutingInput = z.infer<typeof LeadRoutingInput>;

export const RoutingRule = z
  .object(() => ({ id: RuleId, name: z.string(), match: RoutingMatch, assign: RoutingAssignment }))
  .register(z.globalRegistry, { id: 'RoutingRule' });
export type RoutingRule = z.infer<typeof RoutingRule>;

export const LeadRouting = z
  .object(() => ({
    rules: z.array(RoutingRule),
    updatedAt: Instant.optional(),
    updatedBy: z.string().optional(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'LeadRouting' });
export type LeadRouting = z.infer<typeof LeadRouting>;

export const NO_ROUTING: LeadRouting = { rules: [], version: 0 };

/** Everyone a rule may hand a deal to. */
export function ownersOf(rule: Pick<RoutingRule, 'assign'>): string[] {
  return rule.assign.type === 'fixed' ? [rule.assign.ownerId] : rule.assign.ownerIds;
}

/** What a rule can see of a new lead. */
export interface Lead {
  leadSource?: string | undefined;
  /** The company's domain, else the contact's email domains. */
  domains: string[];
}

const withinDomain = (domain: string, rule: string) => domain === rule || domain.endsWith(`.${rule}`);

export function matchingRule(rules: readonly RoutingRule[], lead: Lead): RoutingRule | undefined {
  return rules.find((rule) => {
    const { leadSources, companyDomains } = rule.match;
    if (leadSources && !(lead.leadSource && leadSources.includes(lead.leadSource))) return false;
    if (companyDomains && !lead.domains.some((d) => companyDomains.some((r) => withinDomain(d, r))))
      return false;
    return true;
  });
}

/** The owner a rule gives the lead; `turn` (1, 2, 3 …) is the rule's round-robin counter. */
export function assignee(rule: RoutingRule, turn: number): string {
  const owners = ownersOf(rule);
  return owners[(Math.max(1, turn) - 1) % owners.length]!;
}
