import { CustomFields, CustomFieldsInput, CustomFieldsPatch } from '../shared/custom-values.js';
import { idSchema, UserId } from '../shared/ids.js';
import { normalizeText, Tags, text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';
import { CompanyId, Phone } from './company.js';

export const ContactId = idSchema('contact');

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address' }).max(254));

const Emails = z
  .array(Email)
  .max(5)
  .refine((emails) => new Set(emails).size === emails.length, { error: 'lists the same email twice' });

const fields = {
  firstName: text(100),
  lastName: text(100),
  emails: Emails,
  phones: z.array(Phone).max(5),
  title: text(200),
  companyId: CompanyId,
  notes: text(10_000),
};

export const NewContact = z
  .strictObject(() => ({
    firstName: fields.firstName,
    lastName: fields.lastName.optional(),
    emails: fields.emails.default([]),
    phones: fields.phones.default([]),
    title: fields.title.optional(),
    companyId: fields.companyId.optional(),
    tags: Tags.default([]),
    notes: fields.notes.optional(),
    customFields: CustomFieldsInput.optional(),
  }))
  .register(z.globalRegistry, { id: 'NewContact' });
export type NewContact = z.infer<typeof NewContact>;

export const ContactPatch = z
  .strictObject(() => ({
    firstName: fields.firstName.optional(),
    lastName: fields.lastName.nullable().optional(),
    emails: fields.emails.optional(),
    phones: fields.phones.optional(),
    title: fields.title.nullable().optional(),
    companyId: fields.companyId.nullable().optional(),
    tags: Tags.optional(),
    notes: fields.notes.nullable().optional(),
    customFields: CustomFieldsPatch.optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type ContactPatch = z.infer<typeof ContactPatch>;

export const Contact = z
  .object(() => ({
    id: ContactId,
    firstName: z.string(),
    lastName: z.string().optional(),
    emails: z.array(z.string()),
    phones: z.array(z.string()),
    title: z.string().optional(),
    companyId: CompanyId.optional(),
    tags: z.array(z.string()),
    notes: z.string().optional(),
    customFields: CustomFields.optional(),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: UserId,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Contact' });
export type Contact = z.infer<typeof Contact>;

export function displayName(contact: Pick<Contact, 'firstName' | 'lastName'>): string {
  return [contact.firstName, contact.lastName].filter(Boolean).join(' ');
}

/** The key a name-prefix search (`?q=`) matches against. */
export function searchName(contact: Pick<Contact, 'firstName' | 'lastName'>): string {
  return normalizeText(displayName(contact));
}
