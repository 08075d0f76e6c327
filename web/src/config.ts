// The console's settings are not built in: the stack writes config.json next to index.html at
// deploy time (infra/constructs/web-console.ts) and the local runtime serves the local one, so
// the same build runs in every deployment.

export interface SignInSettings {
  /** The token issuer: Cognito's user pool, an OIDC provider, or the local issuer. */
  authority: string;
  clientId: string;
  /** Given for Cognito's managed login (and the local one); otherwise read from the issuer's discovery. */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  logoutEndpoint?: string;
}

export interface ConsoleConfig {
  apiUrl: string;
  region: string;
  signIn: SignInSettings;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const res = await fetch('/config.json', { cache: 'no-cache' });
  if (!res.ok) throw new Error(`config.json answered ${res.status}`);
  return (await res.json()) as ConsoleConfig;
}
