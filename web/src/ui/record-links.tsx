import { Link } from 'wouter';
import { fullName, useCompany, useContact } from '../api/records.js';

// A record another record points at, by its name (read once and cached; the id never shows).

export function CompanyLink({ id }: { id: string }) {
  const company = useCompany(id);
  if (company.isError) return <span className="muted">a company that could not be read</span>;
  return <Link href={`/companies/${id}`}>{company.data?.name ?? '…'}</Link>;
}

export function ContactLink({ id }: { id: string }) {
  const contact = useContact(id);
  if (contact.isError) return <span className="muted">a contact that could not be read</span>;
  return <Link href={`/contacts/${id}`}>{contact.data ? fullName(contact.data) : '…'}</Link>;
}
