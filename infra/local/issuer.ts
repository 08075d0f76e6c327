import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, mintToken } from './jwt.js';
import type { Logger } from './log.js';
import { DEMO_PEOPLE } from './seed.js';

// The local stand-in for Cognito's managed login: the OAuth 2.0 authorization code flow with
// PKCE (RFC 7636) at the same paths (/oauth2/authorize, /oauth2/token, /logout), so the console
// signs in locally through the code it runs in AWS. Instead of a password and MFA, a small page
// asks who you are and in which groups (the roles). Like the managed login, it keeps a session
// cookie: a second sign-in (a reload; tokens live in the page's memory only) goes straight back.
// Where the sign-in may return and sign-out may land is the template's user pool client's
// callback and logout URLs. Tokens are the local issuer's (jwt.ts), checked by the local gateway.

const TOKEN_SECONDS = 3600;
const CODE_MS = 5 * 60_000;
const ROLES = ['sales', 'manager', 'delivery', 'admin'];
const COOKIE = 'handoff-local-session';

interface Identity {
  user: string;
  groups: string[];
}

interface PendingCode extends Identity {
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expires: number;
}

export interface LocalIssuerOptions {
  localDir: string;
  /** The user pool client's callback and logout URLs (the template's). */
  signIn: { callbackUrls: string[]; logoutUrls: string[] };
  log: Logger;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const base64url = (b: Buffer) => b.toString('base64url');

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export class LocalIssuer {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, Identity>();
  private readonly sessions = new Map<string, Identity>();

  constructor(private readonly options: LocalIssuerOptions) {}

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /oauth2/authorize') this.authorize(url, req, res);
      else if (route === 'POST /oauth2/authorize') await this.signIn(req, res);
      else if (route === 'OPTIONS /oauth2/token') this.preflight(req, res);
      else if (route === 'POST /oauth2/token') await this.token(req, res);
      else if (url.pathname === '/logout') this.logout(url, req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } catch (error) {
      this.options.log.info(`local sign-in: ${(error as Error).message}`);
      res.writeHead(500, { 'content-type': 'text/plain' }).end('the local sign-in failed');
    }
  };

  private refuse(res: ServerResponse, message: string) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(message);
  }

  private session(req: IncomingMessage): Identity | undefined {
    const cookie = req.headers.cookie?.split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
    return cookie ? this.sessions.get(cookie.slice(COOKIE.length + 1)) : undefined;
  }

  /** The parameters of an authorization request, checked as Cognito checks them. */
  private request(params: URLSearchParams): { error: string } | { redirectUri: string; challenge: string } {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (params.get('client_id') !== LOCAL_AUDIENCE) return { error: 'unknown client_id' };
    if (!this.options.signIn.callbackUrls.includes(redirectUri))
      return { error: `redirect_uri ${redirectUri} is not one of the client's callback URLs` };
    if (params.get('response_type') !== 'code') return { error: 'response_type must be code' };
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !challenge)
      return { error: 'a PKCE code_challenge with method S256 is required' };
    return { redirectUri, challenge };
  }

  private redirectWithCode(res: ServerResponse, params: URLSearchParams, identity: Identity) {
    const checked = this.request(params);
    if ('error' in checked) return this.refuse(res, checked.error);
    const code = base64url(randomBytes(24));
    const nonce = params.get('nonce');
    this.codes.set(code, {
      ...identity,
      redirectUri: checked.redirectUri,
      challenge: checked.challenge,
      ...(nonce ? { nonce } : {}),
      expires: Date.now() + CODE_MS,
    });
    const target = new URL(checked.redirectUri);
    target.searchParams.set('code', code);
    const state = params.get('state');
    if (state) target.searchParams.set('state', state);
    res.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' }).end();
  }

  private authorize(url: URL, req: IncomingMessage, res: ServerResponse) {
    const checked = this.request(url.searchParams);
    if ('error' in checked) return this.refuse(res, checked.error);
    const session = this.session(req);
    if (session && url.searchParams.get('prompt') !== 'login')
      return this.redirectWithCode(res, url.searchParams, session);
    const hidden = [...url.searchParams]
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    const people = DEMO_PEOPLE.map(
      (p) =>
        `<option value="${escapeHtml(p.id)}">${escapeHtml(`${p.name} (${p.groups.join(', ')})`)}</option>`,
    ).join('');
    // No group is ticked for you: a default one would be signed in with by whoever does not
    // untick it (a manager as sales + manager). With none, the session has no role, as a Cognito
    // user in no group has: the console says so, and the API refuses with a 403 naming the roles.
    const roles = ROLES.map(
      (r) => `<label><input type="checkbox" name="groups" value="${r}"> ${r}</label>`,
    ).join(' ');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:*",
    });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to Handoff (local)</title>
<style>body{font:16px system-ui;max-width:28rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.5rem 0}
input[type=text]{font:inherit;padding:.4rem;width:100%}button{font:inherit;padding:.5rem 1.5rem;margin-top:1rem}</style></head>
<body><main><h1>Sign in to Handoff</h1><p>The local sign-in: in AWS this is Cognito's managed login (password and MFA).</p>
<form method="post" action="/oauth2/authorize">${hidden}
<label for="user">User</label><input type="text" id="user" name="user" list="people" required pattern="[\\w@.:+\\-]+" autocomplete="username">
<datalist id="people">${people}</datalist>
<fieldset aria-describedby="groups-hint"><legend>Groups</legend>${roles}
<p id="groups-hint">Tick the roles to sign in with (none is ticked for you). With none, you are signed in with no role, as a Cognito user in no group is: the console shows your name, and the API refuses every request (403).</p></fieldset>
<button type="submit">Sign in</button></form></main></body></html>`);
  }

  private async signIn(req: IncomingMessage, res: ServerResponse) {
    const params = await form(req);
    const user = params.get('user') ?? '';
    if (!/^[\w@.:+-]{1,128}$/.test(user))
      return this.refuse(res, 'a user name is letters, digits and @.:+-_');
    const groups = params.getAll('groups').filter((g) => ROLES.includes(g));
    const sessionId = base64url(randomBytes(24));
    this.sessions.set(sessionId, { user, groups });
    res.setHeader('set-cookie', `${COOKIE}=${sessionId}; Path=/; HttpOnly; SameSite=Lax`);
    params.delete('user');
    params.delete('groups');
    this.redirectWithCode(res, params, { user, groups });
  }

  private cors(req: IncomingMessage): Record<string, string> {
    return req.headers.origin ? { 'access-control-allow-origin': req.headers.origin, vary: 'origin' } : {};
  }

  private preflight(req: IncomingMessage, res: ServerResponse) {
    res
      .writeHead(204, {
        ...this.cors(req),
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type, authorization',
      })
      .end();
  }

  private async tokens(identity: Identity, nonce?: string) {
    const person = DEMO_PEOPLE.find((p) => p.id === identity.user);
    const idToken = await mintToken(this.options.localDir, {
      user: identity.user,
      groups: identity.groups,
      ttlSeconds: TOKEN_SECONDS,
      ...(person ? { email: person.email, name: person.name } : {}),
      ...(nonce ? { nonce } : {}),
    });
    return { id_token: idToken, access_token: idToken, token_type: 'Bearer', expires_in: TOKEN_SECONDS };
  }

  private async token(req: IncomingMessage, res: ServerResponse) {
    const params = await form(req);
    const answer = (status: number, body: unknown) =>
      res
        .writeHead(status, {
          'content-type': 'application/json',
          'cache-control': 'no-store',
          ...this.cors(req),
        })
        .end(JSON.stringify(body));
    if (params.get('client_id') !== LOCAL_AUDIENCE) return answer(400, { error: 'invalid_client' });
    if (params.get('grant_type') === 'authorization_code') {
      const code = this.codes.get(params.get('code') ?? '');
      this.codes.delete(params.get('code') ?? '');
      const verifier = params.get('code_verifier') ?? '';
      const challenge = base64url(createHash('sha256').update(verifier).digest());
      if (!code || code.expires < Date.now() || code.redirectUri !== params.get('redirect_uri'))
        return answer(400, { error: 'invalid_grant' });
      if (challenge !== code.challenge)
        return answer(400, { error: 'invalid_grant', error_description: 'PKCE' });
      const refreshToken = base64url(randomBytes(32));
      this.refreshTokens.set(refreshToken, { user: code.user, groups: code.groups });
      return answer(200, { ...(await this.tokens(code, code.nonce)), refresh_token: refreshToken });
    }
    if (params.get('grant_type') === 'refresh_token') {
      const identity = this.refreshTokens.get(params.get('refresh_token') ?? '');
      if (!identity) return answer(400, { error: 'invalid_grant' });
      return answer(200, await this.tokens(identity));
    }
    return answer(400, { error: 'unsupported_grant_type' });
  }

  /** Cognito's /logout: ends the session and goes to one of the client's logout URLs. */
  private logout(url: URL, req: IncomingMessage, res: ServerResponse) {
    const target = url.searchParams.get('logout_uri') ?? '';
    if (
      url.searchParams.get('client_id') !== LOCAL_AUDIENCE ||
      !this.options.signIn.logoutUrls.includes(target)
    )
      return this.refuse(res, 'logout_uri is not one of the client logout URLs');
    const cookie = req.headers.cookie?.split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
    if (cookie) this.sessions.delete(cookie.slice(COOKIE.length + 1));
    res
      .writeHead(302, {
        location: target,
        'set-cookie': `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`,
      })
      .end();
  }
}

export const LOCAL_SIGN_IN = { issuer: LOCAL_ISSUER, clientId: LOCAL_AUDIENCE };
