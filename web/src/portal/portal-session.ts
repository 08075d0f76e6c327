import { answer, type HandoffClient } from '../api/client.js';

// The customer's way in (docs/api.md, "The customer portal"): the link's token is in the URL's
// fragment, which the browser never sends to a server. The page takes it out of the address bar
// at once (it would show on a shared screen and stay in the history) and keeps it for this tab
// only, to open a new 15-minute portal session when one ends. The session's token stays in memory.

const KEY = 'handoff-portal-link';

/** The link token: from the fragment (then removed from the address bar), else this tab's copy. */
export function takeLinkToken(): string | undefined {
  const fragment = decodeURIComponent(window.location.hash.replace(/^#/, '')).trim();
  if (fragment) {
    sessionStorage.setItem(KEY, fragment);
    window.history.replaceState(null, '', window.location.pathname);
    return fragment;
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Opens portal sessions as they are needed: one at a time, a new one shortly before it ends. */
export class PortalSessions {
  private current: { token: string; until: number } | undefined;
  private opening: Promise<string> | undefined;

  constructor(
    private readonly open: HandoffClient,
    private readonly linkToken: string,
  ) {}

  /** A session token good for at least a minute more. */
  token(): Promise<string> {
    if (this.current && this.current.until - Date.now() > 60_000) return Promise.resolve(this.current.token);
    this.opening ??= answer(this.open.POST('/portal/sessions', { body: { token: this.linkToken } }))
      .then((s) => {
        this.current = { token: s.accessToken, until: Date.now() + s.expiresIn * 1000 };
        return s.accessToken;
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  /** Forget the session (the API refused it): the next call opens another, or says why it cannot. */
  drop(): void {
    this.current = undefined;
  }
}
