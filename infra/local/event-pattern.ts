import { isIPv4, isIPv6 } from 'node:net';

// EventBridge's event pattern language, for the local bus and the local stream's filters
// (Lambda event filtering uses the same language). Written by hand because no maintained
// JavaScript implementation exists on npm: AWS's own matcher, event-ruler, is Java. It follows
// event-ruler's documented semantics (github.com/aws/event-ruler, README and JsonRuleCompiler):
// exact values, prefix, suffix, equals-ignore-case (folded per UTF-16 character, as Java does:
// each character of the rule matches its own lower- or upper-case form), wildcard, anything-but
// (values, prefix, suffix, ignore-case, wildcard), numeric ranges, cidr, exists, $or, and
// array-consistent matching (fields inside one array element match together). A pattern
// EventBridge refuses is refused here too, with event-ruler's reason, so a rule that works
// locally deploys: empty objects and arrays, matchers of the wrong shape or argument type,
// mixed anything-but lists, empty anything-but prefixes and suffixes, bad wildcards, numeric
// ranges out of order or empty, $or that is not 2+ objects or names an operator as a field, and
// more than 1,000 $or combinations (EventBridge's content-filtering limit).
// Over 300 lines: the whole pattern language, with each of event-ruler's refusals.

export type Pattern = Record<string, unknown>;

export class InvalidPattern extends Error {}

const OPERATORS = new Set([
  'exactly',
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
]);

/** Names event-ruler reserves: a $or whose objects use one as a field name is refused. */
const RESERVED_IN_OR = new Set([
  ...OPERATORS,
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** EventBridge expands every $or into separate patterns, and takes at most this many. */
export const MAX_OR_COMBINATIONS = 1000;

export function matches(pattern: Pattern, event: unknown): boolean {
  return matchObject(pattern, [event]);
}

const refuse = (path: string, why: string): never => {
  throw new InvalidPattern(`${path || 'pattern'}: ${why}`);
};
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Throws InvalidPattern for a pattern EventBridge would refuse (so a bad rule fails loudly). */
export function validatePattern(pattern: unknown, path = ''): void {
  validateObject(pattern, path);
  const combinations = combinationsOf(pattern as Pattern);
  if (combinations > MAX_OR_COMBINATIONS)
    refuse(
      path,
      `its $or expand to ${combinations} combinations; EventBridge takes at most ${MAX_OR_COMBINATIONS}`,
    );
}

function validateObject(pattern: unknown, path: string): void {
  if (!isObject(pattern)) refuse(path, 'must be an object');
  const entries = Object.entries(pattern as Pattern);
  if (entries.length === 0) refuse(path, 'empty objects are not allowed');
  for (const [key, value] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value)) refuse(here, 'must be an array of at least two patterns');
      const options = value as unknown[];
      if (options.length < 2) refuse(here, 'there must be at least 2 objects in $or');
      for (const [i, option] of options.entries()) {
        if (!isObject(option)) refuse(`${here}[${i}]`, 'only objects are allowed in $or');
        for (const name of Object.keys(option as Pattern))
          if (RESERVED_IN_OR.has(name))
            refuse(`${here}[${i}].${name}`, `${name} is an operator, not a field name`);
        validateObject(option, `${here}[${i}]`);
      }
    } else if (Array.isArray(value)) {
      if (value.length === 0) refuse(here, 'empty arrays are not allowed');
      for (const m of value) validateMatcher(m, here);
    } else if (isObject(value)) {
      validateObject(value, here);
    } else {
      refuse(here, 'must be an object or an array');
    }
  }
}

function combinationsOf(pattern: Pattern): number {
  let product = 1;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value))
      product *= value.reduce((sum: number, option) => sum + combinationsOf(option as Pattern), 0);
    else if (isObject(value)) product *= combinationsOf(value);
  }
  return product;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A wildcard pattern: no two `*` in a row; a backslash escapes only `*` or a backslash. */
function validateWildcard(text: string, path: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*' && text[i + 1] === '*') refuse(path, `consecutive wildcard characters at position ${i}`);
    if (c === '\\') {
      if (text[i + 1] !== '*' && text[i + 1] !== '\\')
        refuse(path, `invalid escape character at position ${i}`);
      i++;
    }
  }
}

function validateMatcher(m: unknown, path: string): void {
  if (m === null || typeof m === 'string' || typeof m === 'boolean') return;
  if (typeof m === 'number') {
    if (!Number.isFinite(m)) refuse(path, `${m} is not a number EventBridge can compare`);
    return;
  }
  if (Array.isArray(m)) refuse(path, 'a match value must be a string, number, true, false or null');
  const entries = Object.entries(m as Record<string, unknown>);
  if (entries.length === 0) refuse(path, 'match expression name not found');
  if (entries.length > 1)
    refuse(path, `only one key is allowed in a match expression, not ${entries.map(([k]) => k).join(', ')}`);
  const [op, arg] = entries[0]!;
  if (!OPERATORS.has(op)) refuse(path, `unrecognized match type ${op}`);
  switch (op) {
    case 'exactly':
    case 'equals-ignore-case':
      if (!isString(arg)) refuse(path, `${op} match pattern must be a string`);
      return;
    case 'prefix':
    case 'suffix':
      if (isObject(arg)) {
        const inner = Object.entries(arg);
        if (inner.length !== 1 || inner[0]![0] !== 'equals-ignore-case')
          refuse(path, `unsupported ${op} pattern: ${Object.keys(arg).join(', ') || 'none'}`);
        if (!isString(inner[0]![1])) refuse(path, 'equals-ignore-case match pattern must be a string');
        return;
      }
      if (!isString(arg)) refuse(path, `${op} match pattern must be a string`);
      return;
    case 'wildcard':
      if (!isString(arg)) refuse(path, 'wildcard match pattern must be a string');
      validateWildcard(arg as string, path);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') refuse(path, 'exists match pattern must be either true or false');
      return;
    case 'cidr':
      if (!isString(arg) || !parseCidr(arg)) refuse(path, `${JSON.stringify(arg)} is not a CIDR block`);
      return;
    case 'numeric':
      parseNumeric(arg, path);
      return;
    case 'anything-but':
      validateAnythingBut(arg, path);
      return;
  }
}

function validateAnythingBut(arg: unknown, path: string): void {
  if (isString(arg) || isNumber(arg)) return;
  if (Array.isArray(arg)) {
    const strings = arg.every(isString);
    const numbers = arg.every(isNumber);
    if (arg.length === 0 || (!strings && !numbers))
      refuse(path, 'inside an anything-but list, either all values are numbers or all are strings');
    return;
  }
  if (!isObject(arg)) refuse(path, 'anything-but takes a string, a number, a list of them, or one operator');
  const inner = Object.entries(arg as Record<string, unknown>);
  if (inner.length !== 1) refuse(path, 'anything-but takes exactly one operator');
  const [op, value] = inner[0]!;
  if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(op))
    refuse(path, `unsupported anything-but pattern: ${op}`);
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every(isString)) refuse(path, `anything-but ${op} takes strings`);
  for (const v of values as string[]) {
    if ((op === 'prefix' || op === 'suffix') && v === '')
      refuse(path, `an empty anything-but ${op} is not allowed`);
    if (op === 'wildcard') validateWildcard(v, path);
  }
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
  if (ignoreCase || op === 'equals-ignore-case') {
    const folded = foldedCase(text);
    const source = op === 'prefix' ? `^${folded}` : op === 'suffix' ? `${folded}$` : `^${folded}$`;
    return new RegExp(source, 's').test(v);
  }
  if (op === 'prefix') return v.startsWith(text);
  if (op === 'suffix') return v.endsWith(text);
  return wildcard(text).test(v);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The rule's text, ignoring case as event-ruler does (EqualsIgnoreCaseParser): each UTF-16
 * character matches its own lower-case or upper-case form (Locale.ROOT), whatever their lengths
 * ('ΰ' matches 'Ϋ́', three characters), not the whole string lower-cased at once.
 */
function foldedCase(text: string): string {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    source += lower === upper ? escapeRegExp(lower) : `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  return source;
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

/**
 * event-ruler's numeric grammar: ["=", n], a lower bound [">" | ">=", n], an upper bound
 * ["<" | "<=", n], or a lower then an upper bound with the lower below the upper.
 */
function parseNumeric(arg: unknown, path: string): Bound[] {
  if (!Array.isArray(arg) || arg.length === 0) refuse(path, 'the value of numeric must be a non-empty array');
  const terms = arg as unknown[];
  const pair = (i: number, allowed: string[]): Bound => {
    const op = terms[i];
    const value = terms[i + 1];
    if (!isString(op) || !allowed.includes(op))
      refuse(path, `numeric operator ${JSON.stringify(op)} is not one of ${allowed.join(' ')} here`);
    if (!isNumber(value)) refuse(path, `the value of ${String(op)} must be a number`);
    return { op: op as Bound['op'], value: value as number };
  };
  const first = pair(0, ['=', '<', '<=', '>', '>=']);
  if (terms.length === 2) return [first];
  if (first.op !== '>' && first.op !== '>=')
    refuse(path, `nothing may follow ${first.op} in a numeric match`);
  if (terms.length !== 4) refuse(path, 'too many terms in a numeric range');
  const second = pair(2, ['<', '<=']);
  if (!(first.value < second.value))
    refuse(path, `the range's bottom (${first.value}) must be below its top (${second.value})`);
  return [first, second];
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
