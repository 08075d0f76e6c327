import type { ReactNode } from 'react';
import { type CustomFieldDefinition, type CustomFieldEntity, useCustomFields } from '../api/custom-fields.js';

/**
 * An edit form's draft starts from the entity's custom field definitions: it waits for them
 * (a failed read leaves the built-in fields only).
 */
export function WithCustomFields({
  entity,
  children,
}: {
  entity: CustomFieldEntity;
  children: (fields: CustomFieldDefinition[]) => ReactNode;
}) {
  const custom = useCustomFields(entity);
  if (custom.isPending) return <p aria-busy="true">Loading the form…</p>;
  return <>{children(custom.fields)}</>;
}
