import { isIPv4, isIPv6 } from 'node:net';

// EventBridge's event pattern language, for the local bus and the local stream's filters
// (Lambda event filtering uses the same language). Written by hand because no maintained
// JavaScript implementation exists on npm: AWS's own matcher, event-ruler, is Java. It follows
// event-ruler's documented semantics: exact values, prefix, suffix, equals-ignore-case,
// wildcard, anything-but (values, prefix, suffix, ignore-case, wildcard), numeric ranges, cidr,
// exists, $or, and array-consistent matching (fields inside one array element match together).

export type Pattern = Record<string, unknown>;

export class InvalidPattern extends Error {}

const OPERATORS = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

export function matches(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, [event]);
}

/** Throws InvalidPattern for a pattern EventBridge would refuse (so a bad rule fails loudly). */
export function validatePattern(pattern: unknown, path = ''): void {
  if (pattern === null || typeof pattern !== 'object' || Array.isArray(pattern)) {
    throw new InvalidPattern(`${path || 'pattern'} must be an object`);
  }
  for (const [key, value] of Object.entries(pattern)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2)
        throw new InvalidPattern(`${here} needs an array of at least two patterns`);
      for (const [i, p] of value.entries()) validatePattern(p, `${here}[${i}]`);
    } else if (Array.isArray(value)) {
      for (const m of value) validateMatcher(m, here);
    } else {
      validatePattern(value, here);
    }
  }
}

function validateMatcher(m: unknown, path: string): void {
  if (m === null || typeof m !== 'object') return;
  const keys = Object.keys(m);
  if (keys.length !== 1 || !OPERATORS.has(keys[0]!))
    throw new InvalidPattern(`${path}: unknown matcher ${JSON.stringify(m)}`);
  const [op, arg] = Object.entries(m)[0]!;
  if (op === 'numeric') parseNumeric(arg, path);
  if (op === 'exists' && typeof arg !== 'boolean')
    throw new InvalidPattern(`${path}: exists takes true or false`);
  if (op === 'cidr' && (typeof arg !== 'string' || !parseCidr(arg)))
    throw new InvalidPattern(`${path}: bad cidr ${arg}`);
}

/** `events` holds every value the pattern's level applies to (several when an array fans out). */
function matchObject(pattern: Pattern, events: unknown[]): boolean {
  // Array-consistent matching: the whole object pattern must hold within one element.
  return expandArrays(events).some((event) => matchOne(pattern, event));
}

function matchOne(pattern: Pattern, event: unknown): boolean {
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(sub)) {
      if (!sub.some((p) => matchOne(p as Pattern, event))) return false;
      continue;
    }
    const value =
      event !== null && typeof event === 'object' && !Array.isArray(event)
        ? (event as Record<string, unknown>)[key]
        : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, value)) return false;
    } else if (value === undefined || value === null || typeof value !== 'object') {
      // a nested pattern needs a nested object; only `exists: false` beneath could hold
      if (!onlyAbsenceChecks(sub as Pattern)) return false;
    } else if (!matchObject(sub as Pattern, [value])) {
      return false;
    }
  }
  return true;
}

function onlyAbsenceChecks(pattern: Pattern): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or' && Array.isArray(sub)) return sub.some((p) => onlyAbsenceChecks(p as Pattern));
    if (Array.isArray(sub)) return sub.some((m) => isExistsFalse(m));
    return onlyAbsenceChecks(sub as Pattern);
  });
}

const isExistsFalse = (m: unknown) =>
  m !== null && typeof m === 'object' && (m as Record<string, unknown>).exists === false;

function expandArrays(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? expandArrays(v) : [v]));
}

/** Leaf values: a scalar, or the scalars of an array (objects are not leaves). */
function leafValues(value: unknown): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return expandArrays(value).filter((v) => v === null || typeof v !== 'object');
  if (value !== null && typeof value === 'object') return [];
  return [value];
}

function matchLeaf(matchers: unknown[], value: unknown): boolean {
  const values = leafValues(value);
  return matchers.some((m) => {
    if (m !== null && typeof m === 'object' && 'exists' in m) {
      return (m as { exists: boolean }).exists ? values.length > 0 : values.length === 0;
    }
    return values.some((v) => matchValue(m, v));
  });
}

function matchValue(m: unknown, v: unknown): boolean {
  if (m === null || typeof m !== 'object') return m === v;
  const [op, arg] = Object.entries(m)[0]!;
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof v === 'string' && stringMatch(op, arg, v);
    case 'anything-but':
      return anythingBut(arg, v);
    case 'numeric':
      return typeof v === 'number' && numericMatch(parseNumeric(arg, ''), v);
    case 'cidr':
      return typeof v === 'string' && cidrMatch(arg as string, v);
    default:
      return false;
  }
}

function stringMatch(op: string, arg: unknown, v: string): boolean {
  // prefix and suffix also take { "equals-ignore-case": "…" }
  const ignoreCase = arg !== null && typeof arg === 'object';
  const text = ignoreCase ? String((arg as Record<string, unknown>)['equals-ignore-case']) : String(arg);
  const [a, b] =
    ignoreCase || op === 'equals-ignore-case' ? [v.toLowerCase(), text.toLowerCase()] : [v, text];
  if (op === 'prefix') return a.startsWith(b);
  if (op === 'suffix') return a.endsWith(b);
  if (op === 'equals-ignore-case') return a === b;
  return wildcard(text).test(v);
}

function wildcard(text: string): RegExp {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (text[i + 1] === '*' || text[i + 1] === '\\')) source += `\\${text[++i]}`;
    else if (c === '*') source += '.*';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function anythingBut(arg: unknown, v: unknown): boolean {
  if (Array.isArray(arg)) return !arg.includes(v);
  if (arg !== null && typeof arg === 'object') {
    const [op, inner] = Object.entries(arg)[0]!;
    if (typeof v !== 'string') return true;
    const options = Array.isArray(inner) ? inner : [inner];
    return !options.some((o) => stringMatch(op, o, v));
  }
  return arg !== v;
}

type Bound = { op: '<' | '<=' | '>' | '>=' | '='; value: number };

function parseNumeric(arg: unknown, path: string): Bound[] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    throw new InvalidPattern(`${path}: numeric takes operator/number pairs`);
  }
  const bounds: Bound[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const value = arg[i + 1];
    if (!['<', '<=', '>', '>=', '='].includes(op) || typeof value !== 'number') {
      throw new InvalidPattern(`${path}: numeric pair ${JSON.stringify([op, value])} is not valid`);
    }
    bounds.push({ op, value });
  }
  return bounds;
}

function numericMatch(bounds: Bound[], v: number): boolean {
  return bounds.every(({ op, value }) =>
    op === '<'
      ? v < value
      : op === '<='
        ? v <= value
        : op === '>'
          ? v > value
          : op === '>='
            ? v >= value
            : v === value,
  );
}

function parseCidr(cidr: string): { bits: bigint; prefix: number; width: number } | undefined {
  const [address, prefixText] = cidr.split('/');
  if (!address || prefixText === undefined) return undefined;
  const width = isIPv4(address) ? 32 : isIPv6(address) ? 128 : 0;
  const prefix = Number(prefixText);
  if (!width || !Number.isInteger(prefix) || prefix < 0 || prefix > width) return undefined;
  return { bits: ipBits(address), prefix, width };
}

function ipBits(address: string): bigint {
  if (isIPv4(address)) return address.split('.').reduce((n, part) => (n << 8n) + BigInt(Number(part)), 0n);
  const [head, tail = ''] = address.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const h = parts(head ?? '');
  const t = parts(tail);
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((n, g) => (n << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
}

function cidrMatch(cidr: string, v: string): boolean {
  const range = parseCidr(cidr);
  if (!range) return false;
  const width = isIPv4(v) ? 32 : isIPv6(v) ? 128 : 0;
  if (width !== range.width) return false;
  const shift = BigInt(range.width - range.prefix);
  return ipBits(v) >> shift === range.bits >> shift;
}
