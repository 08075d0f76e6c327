import { type Actor, hasRole } from '../shared/context.js';
import { Forbidden } from '../shared/errors.js';
import { idSchema } from '../shared/ids.js';
import { Money } from '../shared/money.js';
import { text } from '../shared/text.js';
import { Instant } from '../shared/time.js';
import * as z from '../shared/zod.js';

// The product catalog: what a company sells, at what list price, per which unit. Admins keep it;
// a line item on a deal starts from a product (its name, unit, price and tax) or is typed free.
// A retired product is kept (line items and quotes name it) but offered for no new line.

export const ProductId = idSchema('product');

/** How a product is counted: hours and days are what delivery logs time against. */
export const PRODUCT_UNITS = ['hour', 'day', 'item', 'month'] as const;
export const ProductUnit = z.enum(PRODUCT_UNITS);
export type ProductUnit = z.infer<typeof ProductUnit>;

/** A percentage from 0 to 100 with at most two decimals (12.5, 7.25). */
export const Percent = z
  .number()
  .min(0, { error: 'must be 0 or more' })
  .max(100, { error: 'must be at most 100 (percent)' })
  .refine((n) => Number.isInteger(Math.round(n * 100)) && Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, {
    error: 'must have at most 2 decimals',
  });

const fields = {
  name: text(200),
  sku: text(60),
  description: text(2_000),
  unitPrice: Money,
  unit: ProductUnit,
  taxPercent: Percent,
};

export const NewProduct = z
  .strictObject(() => ({
    name: fields.name,
    sku: fields.sku.optional(),
    description: fields.description.optional(),
    unitPrice: fields.unitPrice,
    unit: fields.unit,
    taxPercent: fields.taxPercent.optional(),
    active: z.boolean().default(true),
  }))
  .register(z.globalRegistry, { id: 'NewProduct' });
export type NewProduct = z.infer<typeof NewProduct>;

export const ProductPatch = z
  .strictObject(() => ({
    name: fields.name.optional(),
    sku: fields.sku.nullable().optional(),
    description: fields.description.nullable().optional(),
    unitPrice: fields.unitPrice.optional(),
    unit: fields.unit.optional(),
    taxPercent: fields.taxPercent.nullable().optional(),
    active: z.boolean().optional().describe('false retires the product, true offers it again'),
  }))
  .refine((p) => Object.values(p).some((v) => v !== undefined), {
    error: 'name at least one field to change',
  })
  .register(z.globalRegistry, { id: 'ProductPatch' });
export type ProductPatch = z.infer<typeof ProductPatch>;

export const Product = z
  .object(() => ({
    id: ProductId,
    name: z.string(),
    sku: z.string().optional(),
    description: z.string().optional(),
    unitPrice: Money,
    unit: ProductUnit,
    taxPercent: z.number().optional(),
    active: z.boolean().describe('false: retired, kept for the line items and quotes that name it'),
    createdAt: Instant,
    updatedAt: Instant,
    createdBy: z.string(),
    version: z.int(),
  }))
  .register(z.globalRegistry, { id: 'Product' });
export type Product = z.infer<typeof Product>;

/** The catalog is the admins': everyone reads it, sales add its products to deals. */
export function assertMayKeepCatalog(actor: Actor): void {
  if (!hasRole(actor, 'admin')) throw new Forbidden('only admins change the product catalog');
}
