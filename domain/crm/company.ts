import { CustomFields, CustomFieldsInput, CustomFieldsPatch } from '../shared/custom-values.js';
import { idSchema, UserId } from '../shared/ids.js';
import { Tags, text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

export const CompanyId = idSchema('company');

export const Address = z
  .strictObject(() => ({
    street: text(200).optional(),
    city: text(100).optional(),
    region: text(100).optional(),
    postalCode: text(20).optional(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 country code, e.g. DE' })
      .optional(),
  }))
  .register(z.globalRegistry, { id: 'Address' });

export const Domain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    error: 'must be a domain name such as example.com',
  });

export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{3,40}$/, { error: 'must be a phone number' });

const fields = {
  name: text(200),
  domain: Domain,
  address: Address,
  phone: Phone,
  notes: text(10_000),
};

export const NewCompany = z
  .strictObject(() => ({
    name: fields.name,
    domain: fields.domain.optional(),
    address: fields.address.optional(),
    phone: fields.phone.optional(),
    tags: Tags.default([]),
    notes: fields.notes.optional(),
    customFields: CustomFieldsInput.optional(),
  }))
  .register(z.globalRegistry, { id: 'NewCompany' });
export type NewCompany = z.infer<typeof NewCompany>;

/** PATCH body: every field optional; `null` clears an optional field. */
export const CompanyPatch = z
  .strictObject(() => ({
    name: fields.name.optional(),
    domain: fields.domain.nullable().optional(),
    address: fields.address.nullable().optional(),
    phone: fields.phone.nullable().optional(),
    tags: Tags.optional(),
    notes: fields.notes.nullable().optional(),
    customFields: CustomFieldsPatch.optional(),
  }))
  .refine((p) => Object.keys(p).length > 0, { error: 'name at least one field to change' });
export type CompanyPatch = z.infer<typeof CompanyPatch>;

export const Company = z
  .object(() => ({
    id: CompanyId,
    name: z.string(),
    domain: z.string().optional(),
    address: Address.optional(),
    phone: z.string().optional(),
    tags: z.array(z.string()),
    notes: z.string().optional(),
    customFields: CustomFields.optional(),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: UserId,
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Company' });
export type Company = z.infer<typeof Company>;
