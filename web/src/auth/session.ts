import { InMemoryWebStorage, type User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { SignInSettings } from '../config.js';

// Sign-in is OAuth 2.0's authorization code flow with PKCE (oidc-client-ts), the same code path
// against Cognito's managed login, another OIDC issuer, or the local issuer. Tokens live in this
// page's memory only (never localStorage, where any script could read them); the refresh token
// renews them before they expire. A reload signs in again, which the issuer's own session
// answers at once. Only the PKCE verifier and state sit in sessionStorage for the redirect.

export interface Session {
  manager: UserManager;
  user: User;
}

export function userManager(settings: SignInSettings): UserManager {
  const origin = window.location.origin;
  return new UserManager({
    authority: settings.authority,
    client_id: settings.clientId,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/signed-out`,
    response_type: 'code',
    scope: 'openid email profile',
    loadUserInfo: false,
    automaticSilentRenew: true,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    ...(settings.authorizationEndpoint && settings.tokenEndpoint
      ? {
          metadata: {
            issuer: settings.authority,
            authorization_endpoint: settings.authorizationEndpoint,
            token_endpoint: settings.tokenEndpoint,
            ...(settings.logoutEndpoint ? { end_session_endpoint: settings.logoutEndpoint } : {}),
          },
        }
      : {}),
  });
}

/** Where the browser goes after sign-in: the page it was asked for. */
interface ReturnTo {
  returnTo: string;
}

/** Signs in (or finishes signing in, on /callback); undefined while the browser is redirected. */
export async function signIn(manager: UserManager): Promise<User | undefined> {
  if (window.location.pathname === '/callback') {
    const user = await manager.signinRedirectCallback();
    const target = (user.state as ReturnTo | undefined)?.returnTo ?? '/';
    window.history.replaceState(null, '', target);
    return user;
  }
  const user = await manager.getUser();
  if (user && !user.expired) return user;
  const returnTo = window.location.pathname + window.location.search;
  await manager.signinRedirect({ state: { returnTo } satisfies ReturnTo });
  return undefined;
}

/**
 * Signs out here and at the issuer. Cognito's /logout takes client_id and logout_uri (not the
 * OIDC end-session parameters); other issuers get the standard end-session request.
 */
export async function signOut(manager: UserManager, settings: SignInSettings): Promise<void> {
  await manager.removeUser();
  if (settings.logoutEndpoint) {
    const url = new URL(settings.logoutEndpoint);
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('logout_uri', `${window.location.origin}/signed-out`);
    window.location.assign(url.toString());
    return;
  }
  await manager.signoutRedirect();
}

/** The roles of the signed-in person: the token's cognito:groups. */
export function rolesOf(user: User): string[] {
  const groups = user.profile['cognito:groups'];
  return Array.isArray(groups) ? groups.map(String) : [];
}
