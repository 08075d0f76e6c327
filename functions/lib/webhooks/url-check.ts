import { lookup } from 'node:dns/promises';
import { allowedAddresses, hostOf, type UrlPolicy, urlShapeProblem } from '../../../domain/webhooks/url.js';

// A webhook URL checked when it is saved: its shape (domain/webhooks/url.ts), then every address
// its host resolves to. The same check runs again at each send, on the address connected to
// (http-post.ts): this one gives the admin a clear 422 now, that one keeps the promise later.

/** Why the URL may not be saved, or undefined. */
export async function urlProblem(raw: string, policy: UrlPolicy): Promise<string | undefined> {
  const shape = urlShapeProblem(raw, policy);
  if (shape) return shape;
  const host = hostOf(new URL(raw));
  let addresses: { address: string; family: number }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `its host ${host} does not resolve`;
  }
  return allowedAddresses(host, addresses, policy).problem;
}
