import ipaddr from 'ipaddr.js';

// Where a webhook may be sent (docs/architecture.md, decision 16): Handoff posts to URLs an admin
// types, from inside the company's AWS account, so a URL must not reach what only that account
// can reach (the instance metadata service at 169.254.169.254, the VPC, the machine itself). The
// rules are here, pure; the functions apply them twice: when a URL is saved, and at each send to
// the very address the connection then uses (a name that resolved to a public address yesterday
// may resolve to 10.0.0.5 today: DNS rebinding).

/** What a URL may be, beside being a public https:// URL. */
export interface UrlPolicy {
  /**
   * http:// and loopback addresses (127.0.0.0/8, ::1) are accepted: the local runtime's setting,
   * so a test runs a real receiver on this machine. Never set in AWS.
   */
  allowLoopback: boolean;
}

export const AWS_POLICY: UrlPolicy = { allowLoopback: false };

/** The URL's own shape: refused before any address is looked up. */
export function urlShapeProblem(raw: string, policy: UrlPolicy): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL, e.g. https://hooks.example.com/handoff';
  }
  if (url.protocol !== 'https:' && !(policy.allowLoopback && url.protocol === 'http:'))
    return policy.allowLoopback ? 'must be an http:// or https:// URL' : 'must be an https:// URL';
  if (url.username || url.password)
    return 'must not hold a user name or password (the signature authenticates each delivery)';
  if (url.hash) return 'must not have a #fragment';
  if (raw.length > 2048) return 'must be at most 2,048 characters';
  const host = hostOf(url);
  if (!host) return 'must name a host';
  if (ipaddr.isValid(host)) {
    const kind = forbiddenKind(host, policy);
    return kind && `${plain(host)} is ${kind}: only public addresses are sent to`;
  }
  if (!policy.allowLoopback && url.protocol === 'http:') return 'must be an https:// URL';
  return undefined;
}

/** The host a connection resolves: without IPv6's brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * What kind of address this is when it may not be sent to (`a private network address`), or
 * undefined for a public unicast address. ipaddr.js names
 * each address's range as the IANA special-purpose registries do (RFC 6890); only `unicast` is a
 * public address. An IPv4-mapped IPv6 address is judged as the IPv4 address it is.
 */
export function forbiddenKind(address: string, policy: UrlPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  if (range === 'loopback' && policy.allowLoopback) return undefined;
  return RANGE_WORDS[range] ?? 'a reserved or special-purpose address';
}

const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  uniqueLocal: 'a private network address',
  linkLocal: 'a link-local address (such as the instance metadata service)',
  carrierGradeNat: 'a shared (carrier-grade NAT) address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
};

/** An address as people read it: an IPv4-mapped IPv6 address as its IPv4 address. */
function plain(address: string): string {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()
    ? (parsed as ipaddr.IPv6).toIPv4Address().toString()
    : address;
}

/** The addresses a host resolved to that may be connected to; the problem when none may. */
export function allowedAddresses(
  host: string,
  addresses: { address: string; family: number }[],
  policy: UrlPolicy,
): { allowed: { address: string; family: number }[]; problem?: string } {
  if (addresses.length === 0) return { allowed: [], problem: `its host ${host} does not resolve` };
  // one forbidden answer is enough to refuse: a name that resolves to a public and a private
  // address would reach the private one on some connections
  for (const { address } of addresses) {
    const kind = forbiddenKind(address, policy);
    if (kind)
      return {
        allowed: [],
        problem: `its host ${host} resolves to ${plain(address)}, ${kind}: only public addresses are sent to`,
      };
  }
  return { allowed: addresses };
}
