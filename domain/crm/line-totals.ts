// What a line item costs, in integer minor units, exactly. Rounding is half-up (a half rounds
// away from zero; amounts are never negative), once per line and per step, so every figure a
// quote shows adds up the way a customer checks it by hand: gross − discount = net and
// net + tax = total on each line, and each total is the sum of its lines. Half-up, not half-even:
// it is how invoices and VAT are rounded per line (and what a person does on paper); half-even
// only matters for bias over millions of aggregated roundings, which a quote never has.
//
// Quantities have at most 3 decimals and percentages at most 2, so each step is an exact ratio
// of integers, computed in BigInt: no binary floating point error reaches a rounding.

export const QUANTITY_DECIMALS = 3;
export const PERCENT_DECIMALS = 2;

export interface LineInput {
  quantity: number;
  /** Minor units per unit. */
  unitPrice: number;
  discountPercent: number;
  taxPercent: number;
}

export interface LineAmounts {
  /** quantity × unit price. */
  gross: number;
  discount: number;
  /** gross − discount: what the deal's value counts. */
  net: number;
  tax: number;
  /** net + tax. */
  total: number;
}

export type Totals = LineAmounts;

/** n / d rounded half-up, for n ≥ 0 and d > 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

/** A decimal with at most `decimals` places as an integer count of its smallest step. */
export function scaled(value: number, decimals: number): bigint {
  return BigInt(Math.round(value * 10 ** decimals));
}

const QUANTITY_SCALE = 10n ** BigInt(QUANTITY_DECIMALS);
/** 100 % in hundredths of a percent. */
const PERCENT_SCALE = 100n * 10n ** BigInt(PERCENT_DECIMALS);

/** One line's amounts (bigint: a caller checks they fit a safe integer before using them). */
export function lineAmounts(line: LineInput): Record<keyof LineAmounts, bigint> {
  const gross = divideHalfUp(
    BigInt(line.unitPrice) * scaled(line.quantity, QUANTITY_DECIMALS),
    QUANTITY_SCALE,
  );
  const discount = divideHalfUp(gross * scaled(line.discountPercent, PERCENT_DECIMALS), PERCENT_SCALE);
  const net = gross - discount;
  const tax = divideHalfUp(net * scaled(line.taxPercent, PERCENT_DECIMALS), PERCENT_SCALE);
  return { gross, discount, net, tax, total: net + tax };
}

const KEYS = ['gross', 'discount', 'net', 'tax', 'total'] as const;

export function sumAmounts(lines: Record<keyof LineAmounts, bigint>[]): Record<keyof LineAmounts, bigint> {
  const sum = { gross: 0n, discount: 0n, net: 0n, tax: 0n, total: 0n };
  for (const line of lines) for (const k of KEYS) sum[k] += line[k];
  return sum;
}

/** Whether every amount fits JavaScript's safe integers (what JSON and DynamoDB carry exactly). */
export function isSafe(amounts: Record<keyof LineAmounts, bigint>): boolean {
  return KEYS.every((k) => amounts[k] <= BigInt(Number.MAX_SAFE_INTEGER));
}

export function toNumbers(amounts: Record<keyof LineAmounts, bigint>): LineAmounts {
  return {
    gross: Number(amounts.gross),
    discount: Number(amounts.discount),
    net: Number(amounts.net),
    tax: Number(amounts.tax),
    total: Number(amounts.total),
  };
}
