import { Webhook } from 'standardwebhooks';
import type { SigningSecrets } from '../table/entities/webhook-endpoint.js';

// Signatures by the Standard Webhooks specification (https://www.standardwebhooks.com), made
// with its reference library, the same one receivers verify with: HMAC-SHA256 over
// `<webhook-id>.<webhook-timestamp>.<body>`, keyed by the secret after its `whsec_` prefix, sent
// as `v1,<base64>`; during a rotation both secrets sign, space-separated, and either verifies.

const signers = new Map<string, Webhook>();
const signer = (secret: string) => {
  let found = signers.get(secret);
  if (!found) {
    found = new Webhook(secret);
    signers.set(secret, found);
  }
  return found;
};

/** The secrets that sign at `now`: the current one, and the previous one until it expires. */
export function signingSecrets(secrets: SigningSecrets, now: string): string[] {
  return secrets.previous && secrets.previousExpiresAt && secrets.previousExpiresAt > now
    ? [secrets.current, secrets.previous]
    : [secrets.current];
}

/** The three headers of one attempt. */
export function signedHeaders(
  webhookId: string,
  at: Date,
  body: string,
  secrets: string[],
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => signer(s).sign(webhookId, at, body)).join(' '),
  };
}
