import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BadRequest } from '../../../domain/shared/errors.js';
import { makeCursorKey, readCursorKey } from '../table/entities/cursor-key.js';
import type { Store } from '../table/store.js';

// Pagination cursors are opaque and tamper-proof: the last evaluated key and the list it
// belongs to (its scope), signed with HMAC-SHA256. A cursor that was edited, forged, or taken
// from another list fails verification and is a 400, never a read somewhere else.
// The signing key lives in the table itself (created once, on condition), so every function
// instance of a deployment shares it without another service.

const SIGNATURE_BYTES = 16;

export class CursorCodec {
  private key?: Promise<Buffer>;

  constructor(private readonly store: Store) {}

  private signingKey(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  private async loadKey(): Promise<Buffer> {
    const existing = await readCursorKey(this.store);
    if (existing) return Buffer.from(existing, 'base64');
    const secret = randomBytes(32);
    if (await makeCursorKey(this.store, secret.toString('base64'))) return secret;
    const raced = await readCursorKey(this.store);
    return Buffer.from(raced!, 'base64');
  }

  private async existingKey(): Promise<Buffer | undefined> {
    if (this.key) return this.key;
    const existing = await readCursorKey(this.store);
    if (!existing) return undefined;
    this.key = Promise.resolve(Buffer.from(existing, 'base64'));
    return this.key;
  }

  async encode(scope: string, lastKey: Record<string, unknown>): Promise<string> {
    const payload = Buffer.from(JSON.stringify({ s: scope, k: lastKey })).toString('base64url');
    return `${payload}.${this.sign(await this.signingKey(), payload)}`;
  }

  async decode(scope: string, cursor: string): Promise<Record<string, unknown>> {
    const invalid = new BadRequest(
      'cursor is not one this API issued for this list; start again without it',
      {
        errors: [{ path: 'cursor', message: 'is invalid' }],
      },
    );
    const [payload, signature, ...rest] = cursor.split('.');
    if (!payload || !signature || rest.length > 0) throw invalid;
    // without a key, no cursor was ever issued: refused without making one (a refusal writes nothing)
    const key = await this.existingKey();
    if (!key) throw invalid;
    const expected = Buffer.from(this.sign(key, payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      s: string;
      k: unknown;
    };
    if (decoded.s !== scope || typeof decoded.k !== 'object' || decoded.k === null) throw invalid;
    return decoded.k as Record<string, unknown>;
  }

  private sign(key: Buffer, payload: string): string {
    return createHmac('sha256', key)
      .update(payload)
      .digest()
      .subarray(0, SIGNATURE_BYTES)
      .toString('base64url');
  }
}
