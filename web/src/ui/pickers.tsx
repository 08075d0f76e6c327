import { usePeople } from '../api/queries.js';
import {
  fullName,
  searchCompanies,
  searchContacts,
  useCompany,
  useContact,
  usePeopleSearch,
} from '../api/records.js';
import { useSession } from '../app/session-context.js';
import { type FieldInputProps, Picker } from './Picker.js';

// The pickers every form uses, each searching where its records live: contacts and companies
// through the API, people in the team the console already holds.

interface ChoiceProps {
  field: FieldInputProps;
  value: string;
  onChange: (id: string) => void;
  /** Offer "none" with this label. */
  noneLabel?: string;
  disabled?: boolean;
}

export function ContactPicker({
  field,
  value,
  onChange,
  noneLabel,
  disabled,
  companyId,
}: ChoiceProps & { companyId?: string }) {
  const { client } = useSession();
  const contact = useContact(value || null);
  return (
    <Picker
      field={field}
      value={value}
      valueLabel={contact.data ? fullName(contact.data) : undefined}
      onChange={(o) => onChange(o?.id ?? '')}
      search={searchContacts(client, companyId)}
      cacheKey={`contacts:${companyId ?? ''}`}
      {...(noneLabel ? { noneLabel } : {})}
      {...(disabled ? { disabled } : {})}
      placeholder="Type a name or email"
    />
  );
}

export function CompanyPicker({ field, value, onChange, noneLabel, disabled }: ChoiceProps) {
  const { client } = useSession();
  const company = useCompany(value || null);
  return (
    <Picker
      field={field}
      value={value}
      valueLabel={company.data?.name}
      onChange={(o) => onChange(o?.id ?? '')}
      search={searchCompanies(client)}
      cacheKey="companies"
      {...(noneLabel ? { noneLabel } : {})}
      {...(disabled ? { disabled } : {})}
      placeholder="Type a company name"
    />
  );
}

export function PersonPicker({
  field,
  value,
  onChange,
  noneLabel,
  disabled,
  activeOnly = true,
}: ChoiceProps & { activeOnly?: boolean }) {
  const { nameOf } = usePeople();
  const search = usePeopleSearch(activeOnly);
  return (
    <Picker
      field={field}
      value={value}
      valueLabel={value ? nameOf(value) : undefined}
      onChange={(o) => onChange(o?.id ?? '')}
      search={search}
      cacheKey={`people:${activeOnly}`}
      {...(noneLabel ? { noneLabel } : {})}
      {...(disabled ? { disabled } : {})}
      placeholder="Type a name"
    />
  );
}
