import type { paths } from '../../../clients/typescript/index.js';
import { ApiProblem, type Schemas } from '../api/client.js';
import { majorFromMinor, minorFromTyped } from '../ui/format.js';

// The deals list's filter, both ways: the form's strings (what a person types: amounts in
// euros, tags separated by commas) and the API's filter (a segment's filter, docs/api.md
// "Segments"), which is also what GET /deals takes, but for custom fields and several tags:
// those the list can only run as a saved view (GET /segments/{id}/members).

export type DealFilter = Schemas['SegmentFilter'];
type CustomFieldDefinition = Schemas['CustomField'];
export type FieldCondition = Schemas['FieldCondition'];

/** The form: every input's text, custom fields as `customFields.<key>` (`.min`/`.max` for ranges). */
export type FilterDraft = Record<string, string>;

const PLAIN = [
  'ownerId',
  'pipelineId',
  'stageId',
  'status',
  'expectedCloseFrom',
  'expectedCloseTo',
  'currency',
  'leadSource',
] as const;

/** How a custom field is compared in a filter (money is not: amounts in several currencies). */
export function conditionKind(
  field: CustomFieldDefinition,
): 'value' | 'options' | 'range' | 'boolean' | null {
  switch (field.type) {
    case 'text':
    case 'url':
    case 'email':
      return 'value';
    case 'boolean':
      return 'boolean';
    case 'select':
    case 'multi-select':
      return 'options';
    case 'number':
    case 'date':
      return 'range';
    default:
      return null;
  }
}

const tagsOf = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  ),
];

export function filterFromDraft(draft: FilterDraft, fields: CustomFieldDefinition[]): DealFilter {
  const filter: Record<string, unknown> = {};
  for (const name of PLAIN) {
    const v = (draft[name] ?? '').trim();
    if (v) filter[name] = name === 'currency' ? v.toUpperCase() : v;
  }
  const currency = (draft.currency ?? '').trim().toUpperCase() || 'EUR';
  for (const name of ['valueMin', 'valueMax'] as const) {
    const v = (draft[name] ?? '').trim();
    // an amount typed wrongly is sent as NaN (null): the API names the field
    if (v) filter[name] = minorFromTyped(v, currency);
  }
  const tags = tagsOf(draft.tags ?? '');
  if (tags.length === 1) filter.tag = tags[0];
  if (tags.length > 1) filter.tagsAny = tags;
  const custom: Record<string, FieldCondition> = {};
  for (const f of fields) {
    const name = `customFields.${f.key}`;
    switch (conditionKind(f)) {
      case 'value': {
        const v = (draft[name] ?? '').trim();
        if (v) custom[f.key] = v;
        break;
      }
      case 'boolean':
        if (draft[name] === 'true' || draft[name] === 'false') custom[f.key] = draft[name] === 'true';
        break;
      case 'options': {
        const chosen = (draft[name] ?? '').split('\n').filter(Boolean);
        if (chosen.length === 1) custom[f.key] = chosen[0]!;
        if (chosen.length > 1) custom[f.key] = { anyOf: chosen };
        break;
      }
      case 'range': {
        const read = (v: string) => (f.type === 'number' ? Number(v.replace(',', '.')) : v);
        const min = (draft[`${name}.min`] ?? '').trim();
        const max = (draft[`${name}.max`] ?? '').trim();
        if (min || max)
          custom[f.key] = { ...(min ? { min: read(min) } : {}), ...(max ? { max: read(max) } : {}) };
        break;
      }
      default:
    }
  }
  if (Object.keys(custom).length > 0) filter.customFields = custom;
  return filter as DealFilter;
}

export function draftFromFilter(filter: DealFilter, fields: CustomFieldDefinition[]): FilterDraft {
  const draft: FilterDraft = {};
  for (const name of PLAIN) if (filter[name]) draft[name] = String(filter[name]);
  const currency = filter.currency ?? 'EUR';
  if (filter.valueMin !== undefined) draft.valueMin = String(majorFromMinor(filter.valueMin, currency));
  if (filter.valueMax !== undefined) draft.valueMax = String(majorFromMinor(filter.valueMax, currency));
  const tags = filter.tag ? [filter.tag] : (filter.tagsAny ?? []);
  if (tags.length) draft.tags = tags.join(', ');
  for (const f of fields) {
    const c = filter.customFields?.[f.key];
    if (c === undefined) continue;
    const name = `customFields.${f.key}`;
    if (typeof c === 'object' && 'anyOf' in c) draft[name] = c.anyOf.join('\n');
    else if (typeof c === 'object') {
      if (c.min !== undefined) draft[`${name}.min`] = String(c.min);
      if (c.max !== undefined) draft[`${name}.max`] = String(c.max);
    } else draft[name] = String(c);
  }
  return draft;
}

/** Whether GET /deals takes this filter (it has no custom-field conditions nor several tags). */
export const listable = (filter: DealFilter) =>
  filter.customFields === undefined && filter.tagsAny === undefined;

/** An order GET /deals takes (docs/api.md, "Sorting and bounding deals"). */
export type DealSort = NonNullable<NonNullable<paths['/deals']['get']['parameters']['query']>['sort']>;

/** GET /deals's query for a filter the list takes, with its title words and order. */
export function listQuery(filter: DealFilter, q: string, sort: string) {
  const { customFields: _c, tagsAny: _t, ...plain } = filter;
  return {
    ...plain,
    ...(q.trim() ? { q: q.trim() } : {}),
    ...(sort && !q.trim() ? { sort: sort as DealSort } : {}),
  };
}

/** Two filters ask for the same deals (the keys' order aside). */
export function sameFilter(a: DealFilter, b: DealFilter): boolean {
  const canonical = (f: DealFilter): string =>
    JSON.stringify(f, (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
        : v,
    );
  return canonical(a) === canonical(b);
}

/**
 * What the API says about a filter (written for integrators: "is before expectedCloseFrom"),
 * said as what to do at the input, in the words of the form.
 */
export function plainFilterMessage(path: string, message: string): string {
  if (/is before expectedCloseFrom/.test(message)) return 'Must be on or after the “Closing from” date.';
  if (/is below valueMin/.test(message)) return 'Must be at least the “Value at least” amount.';
  if (path === 'currency' && /is needed/.test(message))
    return 'Enter the currency of the amounts (like EUR): amounts in different currencies do not compare.';
  if (path === 'stageId' && /within their pipeline/.test(message)) return 'Choose its pipeline too.';
  if (path === 'sort' && /stageAge orders open deals/.test(message))
    return 'Time in stage orders open deals only: choose the status “open”, or another order.';
  if (path === 'sort' && /title search/.test(message))
    return 'A title search comes in the order of the matching word: clear the search to sort.';
  if (/is not a deal custom field|unknown field/.test(message))
    return 'This field is no longer defined (an admin removed it): clear it, or reload the page.';
  if (/has no letters or digits/.test(message)) return 'Type a word of the title.';
  return message;
}

/**
 * A refusal of the filter, its errors at the filter's inputs: a segment's `filter.<attribute>`
 * and GET /deals's `<attribute>` alike (several tags, `tagsAny`, are the tags input's), each
 * said in plain words.
 */
export function atTheFilter(error: unknown): ApiProblem | null {
  if (!(error instanceof ApiProblem)) return null;
  const errors = (error.problem.errors ?? []).map((e) => {
    const path = e.path.replace(/^filter\./, '').replace(/^(tag|tagsAny)$/, 'tags');
    return { path, message: plainFilterMessage(path, e.message) };
  });
  return new ApiProblem(error.status, { ...error.problem, errors });
}

/** The errors no input of the filter shows (an unknown parameter, a name): said in the alert. */
export function unplaced(problem: ApiProblem | null, shown: (path: string) => boolean): string[] {
  return (problem?.problem.errors ?? [])
    .filter((e) => !shown(e.path))
    .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
}
