import { activityDueEntries, projectDueEntries, taskDueEntries } from '../../../domain/followup/due-list.js';
import type { Services } from '../../lib/services.js';
import { COMPANY_LAYOUT } from '../../lib/table/entities/company.js';
import { CONTACT_LAYOUT } from '../../lib/table/entities/contact.js';
import { dueEntryChanges } from '../../lib/table/entities/due-list.js';

// With `apply`, RebuildReports also writes again what an upgrade left behind besides deals
// (docs/operations.md, "Upgrading a deployment with data"): contacts and companies stored with an
// older layout (without both spellings of their name words, the email and domain indexes, the
// phone copies: GET /search does not find them by those until then), and the due-list entries of
// open CRM tasks, open tasks and projects at risk stored before due lists existed (the badge does
// not count them until then). Deals are rewritten by the report rebuild itself (DEAL_LAYOUT).
// Contacts and companies are read a page at a time by name (gsi1), the open tasks from the due
// index: never a scan. Safe to repeat: a record rewritten is at the current layout, an entry is
// put again as it is.

export interface RewriteResult {
  contacts: number;
  companies: number;
  dueEntries: number;
}

const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

export async function rewriteOlderRecords(
  s: Pick<Services, 'contacts' | 'companies' | 'followups' | 'store'>,
): Promise<RewriteResult> {
  const result: RewriteResult = { contacts: 0, companies: 0, dueEntries: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await s.contacts.allPage(startKey);
    for (const item of page.items) {
      if (item.layout === CONTACT_LAYOUT) continue;
      if (await s.contacts.rewrite(s.contacts.fromItem(item))) result.contacts++;
    }
    startKey = page.lastKey;
  } while (startKey);
  do {
    const page = await s.companies.allPage(startKey);
    for (const item of page.items) {
      if (item.layout === COMPANY_LAYOUT) continue;
      if (await s.companies.rewrite(s.companies.fromItem(item))) result.companies++;
    }
    startKey = page.lastKey;
  } while (startKey);

  // every open task and CRM task waits in the due index; the projects at risk in theirs
  const [{ items: open }, atRisk] = await Promise.all([
    s.followups.dueBy(FAR_FUTURE),
    s.followups.atRiskProjects(),
  ]);
  const entries = [
    ...open.activities.flatMap(activityDueEntries),
    // liveness and delivery owner as the follow-ups read them (a task of a stopped project has none)
    ...open.tasks.flatMap((t) =>
      taskDueEntries(t, { status: 'active', ownerId: open.projectOwners.get(t.projectId)! }),
    ),
    ...atRisk.flatMap(projectDueEntries),
  ];
  const writes = dueEntryChanges([], entries);
  for (let i = 0; i < writes.length; i += 100) await s.store.transact(writes.slice(i, i + 100));
  result.dueEntries = entries.length;
  return result;
}
