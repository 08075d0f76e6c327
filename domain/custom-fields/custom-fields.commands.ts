import { type DomainEvent, emit } from '../events.js';
import { type CommandContext, hasRole } from '../shared/context.js';
import { Conflict, type FieldIssue, Forbidden, NotFound, ValidationFailed } from '../shared/errors.js';
import {
  type CustomField,
  type CustomFieldEntity,
  type CustomFieldPatch,
  type CustomFieldSet,
  fieldsOf,
  MAX_FIELDS_PER_ENTITY,
  type NewCustomField,
} from './custom-fields.js';

type Decision = { set: CustomFieldSet; field: CustomField; events: DomainEvent[] };

function assertAdmin(ctx: CommandContext): void {
  if (!hasRole(ctx.actor, 'admin')) throw new Forbidden('only admins define custom fields');
}

export function defineCustomField(set: CustomFieldSet, input: NewCustomField, ctx: CommandContext): Decision {
  assertAdmin(ctx);
  const existing = fieldsOf(set, input.entity);
  if (existing.some((f) => f.key === input.key)) {
    throw new Conflict(`the ${input.entity} field ${input.key} exists already`, {
      entity: input.entity,
      key: input.key,
    });
  }
  if (existing.length >= MAX_FIELDS_PER_ENTITY) {
    throw new ValidationFailed([
      { path: 'key', message: `a ${input.entity} has at most ${MAX_FIELDS_PER_ENTITY} custom fields` },
    ]);
  }
  const field: CustomField = {
    entity: input.entity,
    key: input.key,
    label: input.label,
    type: input.type,
    required: input.required,
    ...(input.options ? { options: input.options } : {}),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  return {
    set: { fields: [...set.fields, field], version: set.version + 1 },
    field,
    events: [emit(ctx, 'CustomFieldDefined', { field })],
  };
}

function find(set: CustomFieldSet, entity: CustomFieldEntity, key: string): CustomField {
  const field = set.fields.find((f) => f.entity === entity && f.key === key);
  if (!field) throw new NotFound(`${entity} custom field`, key);
  return field;
}

/**
 * The set with `field` at `position` among its entity's fields; every other field keeps its place
 * relative to the others, and the other entities' fields stay where they are.
 */
function placed(set: CustomFieldSet, field: CustomField, position: number): CustomField[] {
  const same = (f: CustomField) => f.entity === field.entity;
  const order = fieldsOf(set, field.entity).filter((f) => f.key !== field.key);
  order.splice(position, 0, field);
  let next = 0;
  return set.fields.map((f) => (same(f) ? order[next++]! : f));
}

/**
 * Label, required, options and position change; a field's type and key do not (stored values
 * depend on them). A position is the field's place among its entity's fields, from 0.
 */
export function changeCustomField(
  set: CustomFieldSet,
  entity: CustomFieldEntity,
  key: string,
  patch: CustomFieldPatch,
  ctx: CommandContext,
): Decision {
  assertAdmin(ctx);
  const current = find(set, entity, key);
  const siblings = fieldsOf(set, entity);
  const issues: FieldIssue[] = [];
  if (patch.options && current.type !== 'select' && current.type !== 'multi-select')
    issues.push({ path: 'options', message: `a ${current.type} field has no options` });
  if (patch.position !== undefined && patch.position >= siblings.length)
    issues.push({
      path: 'position',
      message: `must be from 0 to ${siblings.length - 1}: the ${entity} has ${siblings.length} custom field${siblings.length === 1 ? '' : 's'}`,
    });
  if (issues.length) throw new ValidationFailed(issues);
  const { position, ...attributes } = patch;
  const field: CustomField = { ...current, ...attributes, updatedAt: ctx.now };
  const changed: string[] = (['label', 'required', 'options'] as const).filter(
    (k) => JSON.stringify(field[k]) !== JSON.stringify(current[k]),
  );
  const from = siblings.indexOf(current);
  const to = position ?? from;
  if (to !== from) changed.push('position');
  if (changed.length === 0) return { set, field: current, events: [] };
  const fields = placed(set, field, to);
  return {
    set: { fields, version: set.version + 1 },
    field,
    events: [emit(ctx, 'CustomFieldChanged', { field, changed, position: to })],
  };
}

/**
 * Removes a definition. Values already stored stay on their records (nothing is lost by a
 * settings change); no write may set the key until it is defined again.
 */
export function removeCustomField(
  set: CustomFieldSet,
  entity: CustomFieldEntity,
  key: string,
  ctx: CommandContext,
): Decision {
  assertAdmin(ctx);
  const field = find(set, entity, key);
  return {
    set: { fields: set.fields.filter((f) => f !== field), version: set.version + 1 },
    field,
    events: [emit(ctx, 'CustomFieldRemoved', { entity, key })],
  };
}
