import type { EventBridgeEvent } from 'aws-lambda';
import type { DomainEvent } from '../../domain/events.js';
import { type CallOptions, users } from './api.js';
import { crmApi } from './crm.js';
import type { TestTable } from './table.js';

/** A domain event as EventBridge delivers it to a rule's target. */
export function asDelivered(event: DomainEvent): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: `eb-${event.detail.id}`,
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: event.detail.occurredAt,
    region: 'us-east-1',
    resources: [],
    detail: event.detail,
  };
}

export const handoffFacts = (contactId: string, overrides: Record<string, unknown> = {}) => ({
  scopeSummary: 'Roll out to 3 sites',
  promisedTimeline: { dueDate: '2030-06-28' },
  keyConstraints: ['on-premises only'],
  mainStakeholderContactId: contactId,
  kickoffDate: '2030-02-04',
  ...overrides,
});

/** A company, a stakeholder and an open deal owned by alice: what a win needs. */
export async function dealReadyToWin(table: TestTable, extra: Record<string, unknown> = {}) {
  const api = crmApi(table);
  const as: CallOptions['as'] = users.alice;
  const company = (await api('POST /companies', { as, body: { name: `Customer ${Math.random()}` } })).body;
  const contact = (await api('POST /contacts', { as, body: { firstName: 'Grace', companyId: company.id } }))
    .body;
  const deal = (
    await api('POST /deals', {
      as,
      body: {
        title: 'Rollout',
        value: { amount: 100_000, currency: 'EUR' },
        ownerId: users.alice.sub,
        nextAction: { summary: 'Close', dueAt: '2030-01-10T09:00:00Z' },
        companyId: company.id,
        contactId: contact.id,
        ...extra,
      },
    })
  ).body;
  return { api, company, contact, deal };
}
