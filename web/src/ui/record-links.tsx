import { Link } from 'wouter';
import { fullName, useCompany, useContact } from '../api/records.js';

// A record another record points at, by its name (read once and cached; the id never shows).

/** `name`: the name the pointing record carries (a deal's `companyName`): no read then. */
export function CompanyLink({ id, name }: { id: string; name?: string | undefined }) {
  const company = useCompany(name === undefined ? id : null);
  if (name === undefined && company.isError)
    return <span className="muted">a company that could not be read</span>;
  return <Link href={`/companies/${id}`}>{name ?? company.data?.name ?? '…'}</Link>;
}

export function ContactLink({ id }: { id: string }) {
  const contact = useContact(id);
  if (contact.isError) return <span className="muted">a contact that could not be read</span>;
  return <Link href={`/contacts/${id}`}>{contact.data ? fullName(contact.data) : '…'}</Link>;
}
