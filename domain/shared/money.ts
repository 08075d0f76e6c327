import * as z from './zod.js';

// Money is an integer amount in minor units with its ISO 4217 currency. Totals are kept per
// currency: nothing here converts one currency into another.

// The ISO 4217 codes are read from ICU on first use: a few milliseconds a function that checks
// no money skips.
let iso4217: Set<string> | undefined;
function isCurrency(code: string): boolean {
  iso4217 ??= new Set(Intl.supportedValuesOf('currency'));
  return iso4217.has(code);
}

export const Currency = z
  .string()
  .refine((c) => isCurrency(c), { error: 'must be an ISO 4217 currency code, e.g. EUR' });

export const Money = z
  .strictObject(() => ({
    amount: z
      .number()
      .int({ error: 'must be an integer amount in minor units (cents)' })
      .min(0)
      .max(Number.MAX_SAFE_INTEGER),
    currency: Currency,
  }))
  .register(z.globalRegistry, { id: 'Money' });
export type Money = z.infer<typeof Money>;
