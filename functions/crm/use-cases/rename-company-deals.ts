import type { Services } from '../../lib/services.js';

export interface RenameReport {
  /** The company's name the deals were given (as it is now, whatever the event said). */
  name: string | null;
  read: number;
  renamed: number;
}

/** Attempts on one deal that keeps changing under the rename before it is left to the retry. */
const ATTEMPTS = 4;

/**
 * A company was renamed: each of its deals is given the new name (`companyName`), a page of 25
 * at a time, each with its copies in a transaction of its own. The name is read from the company
 * now, not taken from the event, so events that arrive out of order or twice name the right one,
 * and a deal that has it already is skipped: running it again (a retry, a replay) writes only
 * what is still behind. A deal changed by someone in between is read again and renamed again.
 */
export async function renameCompanyOnDeals(
  s: Pick<Services, 'companies' | 'deals'>,
  companyId: string,
): Promise<RenameReport> {
  const name = (await s.companies.nameOf(companyId)) ?? null;
  const report: RenameReport = { name, read: 0, renamed: 0 };
  // deleted or merged since: its deals are detached or moved to the survivor, named by that command
  if (name === null) return report;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await s.deals.companyPage(companyId, startKey);
    for (const item of page.items) {
      report.read++;
      let deal = s.deals.fromItem(item);
      for (let attempt = 1; deal.companyId === companyId && deal.companyName !== name; attempt++) {
        if (await s.deals.renameCompany(deal, name)) {
          report.renamed++;
          break;
        }
        if (attempt === ATTEMPTS)
          throw new Error(`deal ${deal.id} kept changing while its company was renamed`);
        const fresh = await s.deals.get(deal.id);
        if (!fresh) break;
        deal = fresh;
      }
    }
    startKey = page.lastKey;
  } while (startKey);
  return report;
}
