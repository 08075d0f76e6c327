import { useQuery } from '@tanstack/react-query';
import { useSession } from '../app/session-context.js';
import { majorFromMinor, minorFromTyped } from '../ui/format.js';
import { answer, type Schemas } from './client.js';

// Custom fields in forms: the definitions (one read, shared), and a record's values to and from
// the strings a form holds ("customFields.<key>", a money field as its amount and currency).

export type CustomFieldDefinition = Schemas['CustomField'];
export type CustomFieldEntity = CustomFieldDefinition['entity'];
type Values = Record<string, unknown>;

export function useCustomFields(entity: CustomFieldEntity) {
  const { client } = useSession();
  const all = useQuery({
    queryKey: ['custom-fields'],
    queryFn: () => answer(client.GET('/custom-fields')),
    staleTime: 30_000,
  });
  return { ...all, fields: (all.data?.fields ?? []).filter((f) => f.entity === entity) };
}

const name = (key: string) => `customFields.${key}`;

/** A record's custom values as form strings. */
export function customFieldsToForm(
  fields: CustomFieldDefinition[],
  values: Values | undefined,
): Record<string, string> {
  const form: Record<string, string> = {};
  for (const f of fields) {
    const v = values?.[f.key];
    if (f.type === 'money') {
      const money = v as { amount: number; currency: string } | undefined;
      form[`${name(f.key)}.amount`] = money ? String(majorFromMinor(money.amount, money.currency)) : '';
      form[`${name(f.key)}.currency`] = money?.currency ?? 'EUR';
    } else if (f.type === 'multi-select') form[name(f.key)] = Array.isArray(v) ? v.join('\n') : '';
    else form[name(f.key)] = v === undefined || v === null ? '' : String(v);
  }
  return form;
}

/**
 * The form's strings as the API's values. `changedOnly` (a patch) sends only the fields whose
 * strings differ from `before`, an emptied one as null (removed); a create sends what is filled.
 * A number typed wrongly is sent as typed (NaN becomes null in JSON): the API names the field.
 */
export function customFieldsFromForm(
  fields: CustomFieldDefinition[],
  form: Record<string, string>,
  before?: Record<string, string>,
): Values | undefined {
  const out: Values = {};
  for (const f of fields) {
    const key = name(f.key);
    const parts = f.type === 'money' ? [`${key}.amount`, `${key}.currency`] : [key];
    if (before && parts.every((p) => form[p] === before[p])) continue;
    const raw = (form[key] ?? '').trim();
    const empty = f.type === 'money' ? (form[`${key}.amount`] ?? '').trim() === '' : raw === '';
    if (empty) {
      if (before) out[f.key] = null;
      continue;
    }
    switch (f.type) {
      case 'number':
        out[f.key] = Number(raw.replace(',', '.'));
        break;
      case 'boolean':
        out[f.key] = raw === 'true';
        break;
      case 'multi-select':
        out[f.key] = raw.split('\n').filter(Boolean);
        break;
      case 'money': {
        const currency = (form[`${key}.currency`] ?? 'EUR').trim().toUpperCase();
        out[f.key] = {
          amount: minorFromTyped(form[`${key}.amount`] ?? '', currency),
          currency,
        };
        break;
      }
      default:
        out[f.key] = raw;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A changed field's label for the "changed meanwhile" list: the form's own, else the custom field's. */
export const labelOfField =
  (labels: Record<string, string>, fields: CustomFieldDefinition[]) =>
  (name: string): string =>
    labels[name] ?? fields.find((f) => name.startsWith(`customFields.${f.key}`))?.label ?? name;
