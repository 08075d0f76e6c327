// A line's amounts as the API prices them (domain/crm/line-totals.ts): quantity × unit price, less
// the discount, plus the tax, each step rounded half-up to the minor unit, in integers. The
// console shows them live as the lines are typed; the API's answer replaces them on save.

function divideHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  return (n % d) * 2n >= d ? q + 1n : q;
}

const scaled = (value: number, decimals: number) => BigInt(Math.round(value * 10 ** decimals));

export interface Amounts {
  gross: number;
  discount: number;
  net: number;
  tax: number;
  total: number;
}

export function lineAmounts(line: {
  quantity: number;
  unitPrice: number;
  discountPercent: number;
  taxPercent: number;
}): Amounts | null {
  const values = [line.quantity, line.unitPrice, line.discountPercent, line.taxPercent];
  if (values.some((v) => !Number.isFinite(v) || v < 0)) return null;
  const gross = divideHalfUp(BigInt(Math.round(line.unitPrice)) * scaled(line.quantity, 3), 1000n);
  const discount = divideHalfUp(gross * scaled(line.discountPercent, 2), 10_000n);
  const net = gross - discount;
  const tax = divideHalfUp(net * scaled(line.taxPercent, 2), 10_000n);
  return {
    gross: Number(gross),
    discount: Number(discount),
    net: Number(net),
    tax: Number(tax),
    total: Number(net + tax),
  };
}

export function sum(lines: (Amounts | null)[]): Amounts {
  const out = { gross: 0, discount: 0, net: 0, tax: 0, total: 0 };
  for (const l of lines) if (l) for (const k of Object.keys(out) as (keyof Amounts)[]) out[k] += l[k];
  return out;
}
