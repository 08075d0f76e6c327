import { ID_PREFIX } from '../shared/ids.js';

// A won deal's project has an id derived from the deal's: one deal, one project, whatever
// happens to the events that create it. `GET /deals/{id}/project` needs no lookup.
export function projectIdForDeal(dealId: string): string {
  return `${ID_PREFIX.project}_${dealId.slice(ID_PREFIX.deal.length + 1)}`;
}
