import type { Schemas } from '../api/client.js';
import { date } from '../ui/format.js';

// What a follow-up says and where it leads, in words: the follow-ups page and the header's
// panel show the same entries the same way.

type FollowUp = Schemas['FollowUp'];

export function what(
  f: FollowUp,
  nameOf: (id: string | null | undefined) => string,
  viewer: string,
): { text: string; href: string } {
  switch (f.kind) {
    case 'overdue-next-action':
      return { text: `${f.dealTitle}: ${f.summary}`, href: `/deals/${f.dealId}` };
    case 'stalled-deal':
      return {
        text: `${f.dealTitle}: ${f.daysInStage} days in ${f.stageName ?? 'its stage'}`,
        href: `/deals/${f.dealId}`,
      };
    case 'missing-handoff':
      return { text: `${f.dealTitle}: won, but no delivery project yet`, href: `/deals/${f.dealId}` };
    case 'overdue-task':
      return { text: `${f.title} (due ${f.dueDate})`, href: `/projects/${f.projectId}?task=${f.taskId}` };
    case 'overdue-activity':
      return { text: f.subject, href: f.dealId ? `/deals/${f.dealId}` : `/contacts/${f.contactId ?? ''}` };
    case 'project-at-risk': {
      // each of the two people is told what is theirs to do: the one delivering, the one who promised
      const dates = `finishes ${date(f.projectedFinish)}, promised ${date(f.promisedDueDate)}`;
      const mine = f.ownerId === viewer;
      const who =
        f.role === 'deal-owner'
          ? `${mine ? 'the promise you made' : `${nameOf(f.ownerId)}'s promise`} is at risk; ${f.deliveryOwnerId ? `${nameOf(f.deliveryOwnerId)} delivers it` : 'nobody delivers it yet'}`
          : `${mine ? 'you deliver it' : `${nameOf(f.ownerId)} delivers it`}${f.dealOwnerId ? `; ${nameOf(f.dealOwnerId)} made the promise` : ''}`;
      return { text: `${f.projectName}: ${dates} (${who})`, href: `/projects/${f.projectId}` };
    }
    case 'needs-reassignment':
      return {
        text: `${f.title}: its owner left`,
        href: f.record === 'deal' ? `/deals/${f.recordId}` : '/followups',
      };
    case 'webhook-endpoint-disabled':
      return {
        text: `${f.origin}: no more events are sent to it (${f.reason === 'gone' ? 'it answered 410 Gone' : 'every delivery failed for over 3 days'})`,
        href: '/admin#webhooks',
      };
  }
}

export const KIND: Record<FollowUp['kind'], string> = {
  'overdue-next-action': 'Next action late',
  'stalled-deal': 'Stalled',
  'missing-handoff': 'Handoff missing',
  'overdue-task': 'Task late',
  'overdue-activity': 'CRM task late',
  'project-at-risk': 'Promise at risk',
  'needs-reassignment': 'Needs a new owner',
  'webhook-endpoint-disabled': 'Webhook stopped',
};
