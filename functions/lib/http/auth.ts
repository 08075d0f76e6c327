import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { type Actor, ROLES, type Role } from '../../../domain/shared/context.js';
import { Forbidden } from '../../../domain/shared/errors.js';
import { unauthorized } from './problem.js';

// The API Gateway JWT authorizer has already checked the token's signature, issuer, audience
// and expiry; this reads who the caller is from the claims it passes on (payload v2).

/** HTTP APIs flatten array claims into "[a b]"; Cognito may also send a JSON array string. */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string' || claim.trim() === '') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.includes('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to the flattened form
    }
  }
  return text
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

export function actorFromEvent(event: APIGatewayProxyEventV2WithJWTAuthorizer): Actor {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || sub === '') {
    throw unauthorized('this route needs a bearer token from the configured identity provider');
  }
  const roles = parseGroups(claims['cognito:groups'] ?? claims.groups).filter((g): g is Role =>
    (ROLES as readonly string[]).includes(g),
  );
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  return { userId: sub, roles, ...(email ? { email } : {}) };
}

export function authorize(actor: Actor, allowed: readonly Role[]): void {
  if (actor.roles.length === 0) {
    throw new Forbidden(
      `your token carries none of the roles ${ROLES.join(', ')}; ask an admin to add you to a group`,
    );
  }
  if (!actor.roles.some((r) => allowed.includes(r))) {
    throw new Forbidden(
      `this needs one of the roles ${allowed.join(', ')}; you have ${actor.roles.join(', ')}`,
    );
  }
}
