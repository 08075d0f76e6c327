import { answer, type HandoffClient, ifMatch, type Schemas } from '../api/client.js';

// A bulk action is one API call per deal, each If-Match the version the person saw: there is no
// bulk endpoint, and each deal is checked on its own (a rep's deal a manager may change, a deal
// someone changed meanwhile), so one refusal says why and leaves the others to change.

type Deal = Schemas['Deal'];

export type BulkAction =
  | { kind: 'reassign'; ownerId: string }
  | { kind: 'move'; stageId: string }
  | { kind: 'tag'; tag: string };

export type BulkOutcome =
  | { deal: Deal; status: 'changed'; saved: Deal }
  | { deal: Deal; status: 'unchanged'; why: string }
  | { deal: Deal; status: 'failed'; error: unknown };

/** How many calls run at once: enough to be quick, few enough not to be throttled. */
export const BULK_WIDTH = 4;

/** The past participle a result is said with: "not reassigned", "moved". */
export const VERB: Record<BulkAction['kind'], string> = {
  reassign: 'reassigned',
  move: 'moved',
  tag: 'tagged',
};

/** Why a deal needs no call (it is already as asked), or undefined. */
function alreadyDone(deal: Deal, action: BulkAction, stageName: (id: string) => string): string | undefined {
  if (action.kind === 'reassign' && deal.ownerId === action.ownerId) return 'already theirs';
  if (action.kind === 'move' && deal.stageId === action.stageId)
    return `already in ${stageName(action.stageId)}`;
  if (action.kind === 'tag' && deal.tags.includes(action.tag)) return `already tagged ${action.tag}`;
  return undefined;
}

function call(client: HandoffClient, deal: Deal, action: BulkAction): Promise<Deal> {
  const params = { path: { id: deal.id }, header: ifMatch(deal.version) };
  switch (action.kind) {
    case 'reassign':
      return answer(client.PATCH('/deals/{id}', { params, body: { ownerId: action.ownerId } }));
    case 'move':
      return answer(client.POST('/deals/{id}/move', { params, body: { stageId: action.stageId } }));
    case 'tag':
      return answer(client.PATCH('/deals/{id}', { params, body: { tags: [...deal.tags, action.tag] } }));
  }
}

/** Runs the action on every deal, BULK_WIDTH at a time; each outcome is reported as it comes. */
export async function runBulk(
  client: HandoffClient,
  deals: Deal[],
  action: BulkAction,
  stageName: (id: string) => string,
  onOutcome: (outcome: BulkOutcome) => void,
): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  let next = 0;
  const worker = async () => {
    while (next < deals.length) {
      const deal = deals[next++]!;
      const why = alreadyDone(deal, action, stageName);
      let outcome: BulkOutcome;
      if (why) outcome = { deal, status: 'unchanged', why };
      else {
        try {
          outcome = { deal, status: 'changed', saved: await call(client, deal, action) };
        } catch (error) {
          outcome = { deal, status: 'failed', error };
        }
      }
      outcomes.push(outcome);
      onOutcome(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_WIDTH, deals.length) }, worker));
  return outcomes;
}
