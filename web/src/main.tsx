import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { User, UserManager } from 'oidc-client-ts';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createHandoffClient } from '../../clients/typescript/index.js';
import { ApiProblem, apiClient } from './api/client.js';
import { App } from './app/App.js';
import { type ConsoleSession, SessionContext } from './app/session-context.js';
import { rolesOf, signIn, signOut, userManager } from './auth/session.js';
import { loadConfig } from './config.js';
import './styles.css';

// Start: read config.json, sign in (or finish signing in), then the console. The API client
// asks for the current id token on every call, so a renewed token is used at once.

const root = createRoot(document.getElementById('root')!);

function SignedOut() {
  return (
    <main id="main" className="signed-out">
      <h1>Handoff</h1>
      <p>You are signed out.</p>
      <p>
        <a href="/">Sign in again</a>
      </p>
    </main>
  );
}

function Console({ session }: { session: ConsoleSession }) {
  const [queryClient] = useState(() => {
    const client: QueryClient = new QueryClient({
      defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true, staleTime: 5_000 } },
      // A change refused because the record changed meanwhile (412) or its state forbids it now
      // (409): the refusal is shown where it was made, and everything on screen is read again.
      mutationCache: new MutationCache({
        onError: (error) => {
          if (error instanceof ApiProblem && (error.status === 412 || error.status === 409))
            void client.invalidateQueries();
        },
      }),
    });
    return client;
  });
  return (
    <QueryClientProvider client={queryClient}>
      <SessionContext.Provider value={session}>
        <App />
      </SessionContext.Provider>
    </QueryClientProvider>
  );
}

/** The session, renewed: the refresh token brings a new id token before the old one expires. */
function Renewing({
  initial,
  make,
  manager,
}: {
  initial: User;
  make: (user: User) => ConsoleSession;
  manager: UserManager;
}) {
  const [session, setSession] = useState(() => make(initial));
  useEffect(() => {
    const loaded = (user: User) => setSession(make(user));
    manager.events.addUserLoaded(loaded);
    return () => manager.events.removeUserLoaded(loaded);
  }, [make, manager]);
  return <Console session={session} />;
}

/**
 * The customer portal (/portal): no sign-in. It is loaded only here, so the console's bundle
 * does not grow with it and the portal's page does not load the console.
 */
async function startPortal(apiUrl: string) {
  const [{ PortalPage }, { PortalSessions, takeLinkToken }] = await Promise.all([
    import('./portal/PortalPage.js'),
    import('./portal/portal-session.js'),
  ]);
  const link = takeLinkToken();
  const client = createHandoffClient({ baseUrl: apiUrl });
  const sessions = link ? new PortalSessions(client, link) : undefined;
  const queryClient = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: true } } });
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <PortalPage client={client} sessions={sessions} />
      </QueryClientProvider>
    </StrictMode>,
  );
}

async function start() {
  if (window.location.pathname === '/signed-out') {
    root.render(<SignedOut />);
    return;
  }
  const config = await loadConfig();
  if (window.location.pathname === '/portal') {
    await startPortal(config.apiUrl);
    return;
  }
  const manager = userManager(config.signIn);
  const user = await signIn(manager);
  if (!user) return; // on the way to the sign-in page
  let current = user;
  manager.events.addUserLoaded((u) => {
    current = u;
  });
  const client = apiClient(config.apiUrl, () => current.id_token ?? current.access_token);
  const make = (u: User): ConsoleSession => ({
    client,
    user: u,
    userId: String(u.profile.sub),
    roles: rolesOf(u),
    signOut: () => void signOut(manager, config.signIn),
  });
  root.render(
    <StrictMode>
      <Renewing initial={user} make={make} manager={manager} />
    </StrictMode>,
  );
}

start().catch((error: unknown) => {
  root.render(
    <main id="main">
      <h1>Handoff could not start</h1>
      <p role="alert">{error instanceof Error ? error.message : String(error)}</p>
      <p>
        <a href="/">Try again</a>
      </p>
    </main>,
  );
});
