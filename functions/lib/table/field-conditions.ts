import type { FieldCondition } from '../../../domain/crm/segment.js';
import type { CustomField } from '../../../domain/custom-fields/custom-fields.js';
import type { Condition } from './store.js';

// Custom fields have no index of their own (fifty per entity, and one new index per
// CloudFormation update), so a segment's conditions on them narrow the Query its other
// attributes choose, as a FilterExpression (docs/api.md, "Segments"). A multi-select holds a
// list: "equal to an option" there is `contains`.

/** Conditions joined with AND (each with its own placeholders). */
export function allOf(...conditions: (Condition | undefined)[]): Condition | undefined {
  const present = conditions.filter((c): c is Condition => c !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  // DynamoDB refuses redundant parentheses: only an OR needs them under an AND
  return {
    expression: present
      .map((c) => (c.expression.includes(' OR ') ? `(${c.expression})` : c.expression))
      .join(' AND '),
    names: Object.assign({}, ...present.map((c) => c.names)),
    values: Object.assign({}, ...present.map((c) => c.values)),
  };
}

/** The FilterExpression of a segment's custom-field conditions (checked against the definitions before). */
export function fieldConditions(
  conditions: Record<string, FieldCondition> | undefined,
  fields: CustomField[],
): Condition | undefined {
  if (!conditions) return undefined;
  const parts = Object.entries(conditions).map(([key, condition], i): Condition => {
    const list = fields.find((f) => f.key === key)?.type === 'multi-select';
    const attr = `#cf.#cf${i}`;
    const names = { '#cf': 'customFields', [`#cf${i}`]: key };
    const is = (v: unknown, j: number) => ({
      expression: list ? `contains(${attr}, :cf${i}_${j})` : `${attr} = :cf${i}_${j}`,
      value: [`:cf${i}_${j}`, v] as const,
    });
    if (typeof condition !== 'object') {
      const one = is(condition, 0);
      return { expression: one.expression, names, values: { [one.value[0]]: one.value[1] } };
    }
    if ('anyOf' in condition) {
      const each = condition.anyOf.map(is);
      return {
        expression: each.map((e) => e.expression).join(' OR '),
        names,
        values: Object.fromEntries(each.map((e) => e.value)),
      };
    }
    const bounds: string[] = [];
    const values: Record<string, unknown> = {};
    if (condition.min !== undefined) {
      bounds.push(`${attr} >= :cf${i}_min`);
      values[`:cf${i}_min`] = condition.min;
    }
    if (condition.max !== undefined) {
      bounds.push(`${attr} <= :cf${i}_max`);
      values[`:cf${i}_max`] = condition.max;
    }
    return { expression: bounds.join(' AND '), names, values };
  });
  return allOf(...parts);
}
