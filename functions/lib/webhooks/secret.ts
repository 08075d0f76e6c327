import { randomBytes } from 'node:crypto';

// A signing secret as the Standard Webhooks specification has it: `whsec_` and the base64 of
// random bytes (32: an HMAC-SHA256 key of the hash's own length).
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
