import type { Schemas } from '../api/client.js';

// The lead-routing rules as the form edits them: the body of PUT /lead-routing, as loose as the
// JSON view lets a person type it (the API says what is wrong, by path). Every edit keeps it in
// the API's shape: an emptied list or an unchosen owner is left out rather than sent empty, so
// the refusal names what is missing ("choose one") instead of a length.

export interface RuleDraft {
  id?: string;
  name: string;
  match: { leadSources?: string[]; companyDomains?: string[] };
  assign: { type: 'fixed' | 'round-robin'; ownerId?: string; ownerIds?: string[] };
}

export interface RoutingDraft {
  rules: RuleDraft[];
}

export type MatchList = 'leadSources' | 'companyDomains';

export const routingDraftOf = (routing: Schemas['LeadRouting']): RoutingDraft => ({
  rules: routing.rules.map(({ id, name, match, assign }) => ({ id, name, match, assign })),
});

export const newRule = (): RuleDraft => ({ name: '', match: {}, assign: { type: 'fixed' } });

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON typed in the advanced view as a draft, or why the form cannot show it. */
export function parseRoutingDraft(value: unknown): RoutingDraft | Error {
  if (!isObject(value) || !Array.isArray(value.rules)) return new Error('Write {"rules": [ … ]}.');
  for (const [i, rule] of value.rules.entries()) {
    const at = `Rule ${i + 1}`;
    if (!isObject(rule)) return new Error(`${at} must be an object {"name", "match", "assign"}.`);
    if (!isObject(rule.match)) return new Error(`${at} needs "match": { … }.`);
    if (!isObject(rule.assign)) return new Error(`${at} needs "assign": { … }.`);
    for (const list of ['leadSources', 'companyDomains', 'ownerIds'] as const) {
      const holder = list === 'ownerIds' ? rule.assign : rule.match;
      if (holder[list] !== undefined && !Array.isArray(holder[list]))
        return new Error(`${at}: "${list}" must be a list [ … ].`);
    }
  }
  return value as unknown as RoutingDraft;
}

export function setMatchList(rule: RuleDraft, list: MatchList, values: string[]): void {
  if (values.length > 0) rule.match[list] = values;
  else delete rule.match[list];
}

/** Fixed ↔ round-robin, keeping the people already chosen. */
export function setAssignmentType(rule: RuleDraft, type: RuleDraft['assign']['type']): void {
  const people = rule.assign.type === 'fixed' ? [rule.assign.ownerId ?? ''] : (rule.assign.ownerIds ?? []);
  const chosen = people.filter(Boolean);
  rule.assign =
    type === 'fixed' ? { type, ...(chosen[0] ? { ownerId: chosen[0] } : {}) } : { type, ownerIds: chosen };
}

export function setOwner(rule: RuleDraft, ownerId: string): void {
  if (ownerId) rule.assign.ownerId = ownerId;
  else delete rule.assign.ownerId;
}

const PART_LABELS: Record<string, string> = {
  name: 'name',
  id: 'id',
  'match.leadSources': 'lead sources',
  'match.companyDomains': 'company domains',
  'assign.type': 'how it assigns',
  'assign.ownerId': 'owner',
  'assign.ownerIds': 'people in turn',
};

/** "rules.1.assign.ownerId" → "Rule 2 owner". */
export function routingPathLabel(path: string): string {
  const m = /^rules\.(\d+)(?:\.(.+))?$/.exec(path);
  if (!m) return path === 'rules' ? 'The rules' : path;
  const part = m[2] ? (PART_LABELS[m[2]] ?? m[2]) : '';
  return `Rule ${Number(m[1]) + 1}${part ? ` ${part}` : ''}`;
}
