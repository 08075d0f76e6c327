import { lazy, Suspense } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { Board } from '../pipeline/Board.js';
import { Shortcuts } from '../ui/Shortcuts.js';
import { GlobalSearch } from './GlobalSearch.js';
import { Notifications } from './Notifications.js';
import { useAbilities, useSession } from './session-context.js';

// The console's screens by address. Digest mails link to /deals/<id>, /tasks/<id> and
// /projects/<id> (APP_URL is this console), so those addresses are kept.

// The board is the first screen; the others, a deal's page included, load when first opened (a
// chunk each), which keeps the first load within its budget (docs/benchmarks.md, "The console").
const Reports = lazy(() => import('../reports/Reports.js'));
const Admin = lazy(() => import('../admin/Admin.js'));
const DealPage = lazy(() => import('../deals/DealPage.js').then((m) => ({ default: m.DealPage })));
const DealsList = lazy(() => import('../deals/DealsList.js').then((m) => ({ default: m.DealsList })));
const Transfer = lazy(() => import('../transfer/Transfer.js').then((m) => ({ default: m.Transfer })));
const FollowUps = lazy(() => import('../followups/FollowUps.js').then((m) => ({ default: m.FollowUps })));
const Contacts = lazy(() => import('../contacts/Contacts.js').then((m) => ({ default: m.Contacts })));
const ContactPage = lazy(() =>
  import('../contacts/ContactPage.js').then((m) => ({ default: m.ContactPage })),
);
const Companies = lazy(() => import('../contacts/Companies.js').then((m) => ({ default: m.Companies })));
const CompanyPage = lazy(() => import('../contacts/Companies.js').then((m) => ({ default: m.CompanyPage })));
const Projects = lazy(() => import('../projects/Projects.js').then((m) => ({ default: m.Projects })));
const ProjectPage = lazy(() =>
  import('../projects/ProjectPage.js').then((m) => ({ default: m.ProjectPage })),
);
const TaskRedirect = lazy(() =>
  import('../projects/TaskRedirect.js').then((m) => ({ default: m.TaskRedirect })),
);

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const current = location === href || location.startsWith(`${href}/`);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** A screen the person's roles do not open (a link from elsewhere, a typed address). */
function NotYours({ what }: { what: string }) {
  return (
    <>
      <h1>Not for your role</h1>
      <p>
        {what} <Link href="/pipeline">Go to the pipeline</Link>.
      </p>
    </>
  );
}

export function App() {
  const { user, signOut, roles } = useSession();
  const { admin, readReports } = useAbilities();
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Handoff</span>
        <nav aria-label="Main">
          <NavLink href="/pipeline">Pipeline</NavLink>
          <NavLink href="/deals">Deals</NavLink>
          <NavLink href="/followups">Follow-ups</NavLink>
          <NavLink href="/contacts">Contacts</NavLink>
          <NavLink href="/companies">Companies</NavLink>
          <NavLink href="/projects">Projects</NavLink>
          <NavLink href="/transfer">Import and export</NavLink>
          {readReports && <NavLink href="/reports">Reports</NavLink>}
          {admin && <NavLink href="/admin">Admin</NavLink>}
        </nav>
        <GlobalSearch />
        <Notifications />
        <span className="who">
          {String(user.profile.name ?? user.profile.email ?? user.profile.sub)}{' '}
          <span className="muted">({roles.join(', ') || 'no role'})</span>
        </span>
        <Shortcuts />
        <button type="button" className="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          <Switch>
            <Route path="/">
              <Redirect to="/pipeline" replace />
            </Route>
            <Route path="/pipeline" component={Board} />
            <Route path="/deals" component={DealsList} />
            <Route path="/deals/:id">{(p) => <DealPage id={p.id} />}</Route>
            <Route path="/followups" component={FollowUps} />
            <Route path="/contacts" component={Contacts} />
            <Route path="/contacts/:id">{(p) => <ContactPage id={p.id} />}</Route>
            <Route path="/companies" component={Companies} />
            <Route path="/companies/:id">{(p) => <CompanyPage id={p.id} />}</Route>
            <Route path="/projects" component={Projects} />
            <Route path="/projects/:id">{(p) => <ProjectPage id={p.id} />}</Route>
            <Route path="/transfer" component={Transfer} />
            <Route path="/tasks/:id">{(p) => <TaskRedirect id={p.id} />}</Route>
            <Route path="/reports">
              {readReports ? <Reports /> : <NotYours what="The reports are for sales and managers." />}
            </Route>
            <Route path="/admin">{admin ? <Admin /> : <NotYours what="Admin is for admins." />}</Route>
            <Route>
              <h1>Not found</h1>
              <p>
                There is no page here. <Link href="/pipeline">Go to the pipeline</Link>.
              </p>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
