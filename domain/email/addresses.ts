import { isId } from '../shared/ids.js';

// The addresses of the capture domain (`-c inboundEmailDomain=crm.example.com`): `log@<domain>`
// logs what a user sends or forwards to it (BCC, CC or To); `deal-<dealId>@<domain>` logs on that
// deal whoever sends it. Local parts are read case-insensitively (some clients lower-case them):
// a deal id's prefix is lower-case and its body upper-case, as ids are minted.

export const CAPTURE_LOCAL_PART = 'log';

export function captureAddress(domain: string): string {
  return `${CAPTURE_LOCAL_PART}@${domain}`;
}

export function dealAddress(domain: string, dealId: string): string {
  return `deal-${dealId}@${domain}`;
}

export const DEAL_ADDRESS_PATTERN = (domain: string) => `deal-{dealId}@${domain}`;

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export function isOnDomain(address: string, domain: string): boolean {
  return normalizeAddress(address).endsWith(`@${domain.toLowerCase()}`);
}

/** The deal a per-deal address names, or undefined (not ours, not a deal address, not an id). */
export function dealOfAddress(address: string, domain: string): string | undefined {
  if (!isOnDomain(address, domain)) return undefined;
  const local = normalizeAddress(address).split('@')[0]!;
  const match = /^deal-deal_([0-9a-z]{1,40})$/.exec(local);
  if (!match) return undefined;
  const id = `deal_${match[1]!.toUpperCase()}`;
  return isId('deal', id) ? id : undefined;
}
