import type { CustomFieldDefinition, CustomFieldEntity } from '../api/custom-fields.js';
import { useCustomFields } from '../api/custom-fields.js';
import { date, money } from './format.js';

/** A custom value as a person reads it ('–' when there is none). */
export function customValueText(field: CustomFieldDefinition, v: unknown): string {
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return '–';
  if (field.type === 'money') return money(v as { amount: number; currency: string });
  if (field.type === 'date') return date(String(v));
  if (field.type === 'boolean') return v ? 'yes' : 'no';
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** A record's custom values, as <dt>/<dd> pairs by their definitions' labels and order. */
export function CustomFieldValues({
  entity,
  values,
}: {
  entity: CustomFieldEntity;
  values: Record<string, unknown> | undefined;
}) {
  const { fields } = useCustomFields(entity);
  return (
    <>
      {fields.map((f) => (
        <div key={f.key} className="fact" data-custom-field={f.key}>
          <dt>{f.label}</dt>
          <dd>{customValueText(f, values?.[f.key])}</dd>
        </div>
      ))}
    </>
  );
}
