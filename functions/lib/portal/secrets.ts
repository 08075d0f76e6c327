import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ID_PREFIX } from '../../../domain/shared/ids.js';

// The portal's bearer secrets (docs/architecture.md, decision 18). A link token is
// `<linkId>.<secret>`, a session token `<linkId>.<sessionId>.<secret>`: the ids say which items
// to read (one BatchGetItem), the secret proves the bearer was given it. A secret is 256 random
// bits, stored only as its SHA-256 (a table read leaks no usable token; the secret's entropy
// makes a salt or a slow hash pointless) and compared with the stored hash in constant time.
// Anything not of exactly these shapes is not a token, whatever it is.

/** 32 bytes: 256 bits from the operating system's CSPRNG, 43 characters of base64url. */
const SECRET_BYTES = 32;
const SECRET = '[A-Za-z0-9_-]{43}';
const ID = (prefix: string) => `${prefix}_[0-9A-Z]{26}`;
const LINK_TOKEN = new RegExp(`^(${ID(ID_PREFIX.portalLink)})\\.(${SECRET})$`);
const SESSION_TOKEN = new RegExp(
  `^(${ID(ID_PREFIX.portalLink)})\\.(${ID(ID_PREFIX.portalSession)})\\.(${SECRET})$`,
);

export const newSecret = (): string => randomBytes(SECRET_BYTES).toString('base64url');

/** What is stored in place of a secret: its SHA-256, hex. */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * Whether `secret` is the one whose hash is stored. Both sides are hashed to 32 bytes first, so
 * the comparison takes the same time whatever the input's length or how much of it is right.
 */
export function secretMatches(secret: string, storedHash: unknown): boolean {
  const given = createHash('sha256').update(secret, 'utf8').digest();
  const valid = typeof storedHash === 'string' && /^[0-9a-f]{64}$/.test(storedHash);
  // a missing hash still costs one comparison, then fails
  const stored = Buffer.from(valid ? storedHash : '0'.repeat(64), 'hex');
  return timingSafeEqual(given, stored) && valid;
}

export const linkToken = (linkId: string, secret: string) => `${linkId}.${secret}`;
export const sessionToken = (linkId: string, sessionId: string, secret: string) =>
  `${linkId}.${sessionId}.${secret}`;

export function parseLinkToken(token: string): { linkId: string; secret: string } | undefined {
  const m = LINK_TOKEN.exec(token);
  return m ? { linkId: m[1]!, secret: m[2]! } : undefined;
}

export function parseSessionToken(
  token: string,
): { linkId: string; sessionId: string; secret: string } | undefined {
  const m = SESSION_TOKEN.exec(token);
  return m ? { linkId: m[1]!, sessionId: m[2]!, secret: m[3]! } : undefined;
}

/**
 * The source repeated wrong tokens are counted against: the address API Gateway saw the request
 * come from (requestContext.http.sourceIp, the TCP peer: a client cannot set it, unlike
 * X-Forwarded-For), an IPv6 address by its /64 (one subscriber's allocation; counting each
 * address would let one client rotate through 2^64 of them). Stored hashed: the counter needs no
 * one's address in the table.
 */
export function sourceKey(sourceIp: string): string {
  const ip = sourceIp.trim().toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  let source = v4 ? v4[1]! : ip;
  if (!v4 && ip.includes(':')) source = `${expandV6(ip).slice(0, 4).join(':')}::/64`;
  return createHash('sha256').update(source).digest('hex').slice(0, 32);
}

function expandV6(ip: string): string[] {
  const [head = '', tail] = ip.split('%')[0]!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(Math.max(0, missing)).fill('0'), ...right].map((g) => g.padStart(4, '0'));
}
