import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';

// The local stand-in for the identity provider: an issuer whose signing key lives under
// .local/issuer/, so `npm run token` and the local gateway agree across restarts. The gateway
// checks tokens exactly as API Gateway's JWT authorizer does: signature, issuer, audience, expiry.

export const LOCAL_ISSUER = 'https://handoff.local/issuer';
export const LOCAL_AUDIENCE = 'handoff-local';
const ALG = 'ES256';

interface KeyFiles {
  privateJwk: JWK;
  publicJwk: JWK;
}

export async function issuerKeys(localDir: string): Promise<KeyFiles> {
  const dir = join(localDir, 'issuer');
  const file = join(dir, 'keys.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as KeyFiles;
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const keys: KeyFiles = {
    privateJwk: { ...(await exportJWK(privateKey)), alg: ALG, kid: 'local-1' },
    publicJwk: { ...(await exportJWK(publicKey)), alg: ALG, kid: 'local-1' },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

export interface TokenRequest {
  user: string;
  groups: string[];
  email?: string;
  name?: string;
  ttlSeconds?: number;
  /** The OIDC nonce of a sign-in, echoed in the id token. */
  nonce?: string;
}

export async function mintToken(localDir: string, request: TokenRequest): Promise<string> {
  const { privateJwk } = await issuerKeys(localDir);
  const key = await importJWK(privateJwk, ALG);
  return new SignJWT({
    'cognito:groups': request.groups,
    email: request.email ?? `${request.user}@example.com`,
    ...(request.name ? { name: request.name } : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
    token_use: 'id',
  })
    .setProtectedHeader({ alg: ALG, kid: privateJwk.kid! })
    .setSubject(request.user)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${request.ttlSeconds ?? 12 * 3600}s`)
    .sign(key);
}

export async function tokenVerifier(localDir: string) {
  const { publicJwk } = await issuerKeys(localDir);
  const key = await importJWK(publicJwk, ALG);
  return async (token: string): Promise<JWTPayload> => {
    const { payload } = await jwtVerify(token, key, {
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      algorithms: [ALG],
    });
    return payload;
  };
}

/** API Gateway hands claims to the function as strings; arrays become "[a b]". */
export function gatewayClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [
      k,
      Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );
}
