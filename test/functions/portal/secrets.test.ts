import { describe, expect, it } from 'vitest';
import {
  hashSecret,
  linkToken,
  newSecret,
  parseLinkToken,
  parseSessionToken,
  secretMatches,
  sessionToken,
  sourceKey,
} from '../../../functions/lib/portal/secrets.js';

// The portal's secrets: 256 random bits, stored as SHA-256, compared in constant time, parsed
// only in their exact shapes; wrong tokens counted per network (an IPv6 client by its /64).

const LINK = 'plk_01ABCDEFGHJKMNPQRSTVWXYZ00';
const SESSION = 'pss_01ABCDEFGHJKMNPQRSTVWXYZ00';

describe('portal secrets', () => {
  it('are 256 random bits in base64url, never the same twice, and only their hash matches', () => {
    const secrets = new Set(Array.from({ length: 200 }, newSecret));
    expect(secrets.size).toBe(200);
    const secret = [...secrets][0]!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secretMatches(secret, hashSecret(secret))).toBe(true);
    expect(secretMatches(secret.slice(0, -1), hashSecret(secret))).toBe(false);
    expect(secretMatches(secret, undefined)).toBe(false);
    expect(secretMatches(secret, 'not-a-hash')).toBe(false);
    expect(hashSecret(secret)).not.toContain(secret);
  });

  it('tokens parse only in their exact shapes', () => {
    const secret = newSecret();
    expect(parseLinkToken(linkToken(LINK, secret))).toEqual({ linkId: LINK, secret });
    expect(parseSessionToken(sessionToken(LINK, SESSION, secret))).toEqual({
      linkId: LINK,
      sessionId: SESSION,
      secret,
    });
    for (const bad of [
      linkToken(LINK, secret).slice(0, -1),
      `${linkToken(LINK, secret)}x`,
      ` ${linkToken(LINK, secret)}`,
      sessionToken(LINK, SESSION, secret),
      `${SESSION}.${secret}`,
      '',
    ])
      expect(parseLinkToken(bad), bad).toBeUndefined();
    expect(parseSessionToken(linkToken(LINK, secret))).toBeUndefined();
  });

  it('count wrong tokens per network: an IPv6 client by its /64, an IPv4-mapped address as IPv4', () => {
    expect(sourceKey('2001:db8:1:2::1')).toBe(sourceKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(sourceKey('2001:db8:1:2::1')).not.toBe(sourceKey('2001:db8:1:3::1'));
    expect(sourceKey('::ffff:192.0.2.7')).toBe(sourceKey('192.0.2.7'));
    expect(sourceKey('192.0.2.7')).not.toBe(sourceKey('192.0.2.8'));
    expect(sourceKey('192.0.2.7')).not.toContain('192');
  });
});
