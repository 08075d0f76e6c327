import type { CustomFieldEntity } from '../api/custom-fields.js';
import { useCustomFields } from '../api/custom-fields.js';
import { date, money } from './format.js';

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
      {fields.map((f) => {
        const v = values?.[f.key];
        let shown: string;
        if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) shown = '–';
        else if (f.type === 'money') shown = money(v as { amount: number; currency: string });
        else if (f.type === 'date') shown = date(String(v));
        else if (f.type === 'boolean') shown = v ? 'yes' : 'no';
        else if (Array.isArray(v)) shown = v.join(', ');
        else shown = String(v);
        return (
          <div key={f.key} className="fact" data-custom-field={f.key}>
            <dt>{f.label}</dt>
            <dd>{shown}</dd>
          </div>
        );
      })}
    </>
  );
}
