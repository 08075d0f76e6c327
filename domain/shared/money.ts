import * as z from 'zod';

// Money is an integer amount in minor units with its ISO 4217 currency. Totals are kept per
// currency: nothing here converts one currency into another.
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export const Currency = z
  .string()
  .refine((c) => ISO_4217.has(c), { error: 'must be an ISO 4217 currency code, e.g. EUR' });

export const Money = z
  .strictObject({
    amount: z
      .number()
      .int({ error: 'must be an integer amount in minor units (cents)' })
      .min(0)
      .max(Number.MAX_SAFE_INTEGER),
    currency: Currency,
  })
  .meta({ id: 'Money' });
export type Money = z.infer<typeof Money>;
