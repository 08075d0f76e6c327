import * as z from 'zod';

// Ids carry their entity's prefix (`deal_01J…`), so a malformed or misplaced id is refused at
// the edge with a clear message instead of becoming a read of some other record.
export const ID_PREFIX = {
  company: 'co',
  contact: 'ct',
  pipeline: 'pl',
  stage: 'st',
  deal: 'deal',
  activity: 'act',
  template: 'tpl',
  project: 'prj',
  task: 'task',
  milestone: 'ms',
  approval: 'apv',
  timeEntry: 'te',
  rule: 'rule',
  field: 'cf',
  segment: 'seg',
  import: 'imp',
  export: 'exp',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const ID_BODY = '[0-9A-Za-z]{1,40}';

export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIX[kind];
  return z
    .string()
    .regex(new RegExp(`^${prefix}_${ID_BODY}$`), { error: `must be a ${kind} id (${prefix}_…)` });
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_${ID_BODY}$`).test(value);
}

/** A user id is the identity provider's `sub` claim: opaque, but bounded and printable. */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w@.:+-]+$/, { error: 'must be a user id (the token subject)' });
