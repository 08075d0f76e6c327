import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../domain/crm/contact.js';
import { createDeal } from '../../../domain/crm/deal.commands.js';
import { NewDeal } from '../../../domain/crm/deal.js';
import { mergeContacts, relinkDeal } from '../../../domain/crm/merge.commands.js';
import { defaultPipeline } from '../../../domain/crm/pipeline.js';
import { Forbidden, ValidationFailed } from '../../../domain/shared/errors.js';
import { parse } from '../../../domain/shared/validation.js';
import { alice, context, manager } from '../support.js';

// Merging two contacts as a pure decision: what the survivor keeps, what it gains, and who may.

const base = {
  createdAt: '2029-01-01T00:00:00.000Z',
  updatedAt: '2029-01-01T00:00:00.000Z',
  createdBy: 'u-alice',
  version: 1,
};
const survivor: Contact = {
  ...base,
  id: 'ct_1',
  firstName: 'Zoë',
  lastName: 'Durand',
  emails: ['zoe@example.com'],
  phones: [],
  tags: ['vip'],
  notes: 'Met at the fair.',
  customFields: { tier: 'gold' },
};
const duplicate: Contact = {
  ...base,
  id: 'ct_2',
  firstName: 'Zoe',
  emails: ['z.durand@example.org', 'zoe@example.com'],
  phones: ['+33 1 23 45 67 89'],
  title: 'CTO',
  companyId: 'co_1',
  tags: ['paris', 'vip'],
  notes: 'Prefers email.',
  customFields: { tier: 'silver', region: 'EU' },
};

describe('mergeContacts (pure)', () => {
  it('the survivor keeps its own values, gains what only the duplicate had, and unions the lists', () => {
    const { contact, events } = mergeContacts(survivor, duplicate, { deals: 2 }, context(manager));
    expect(contact).toMatchObject({
      id: 'ct_1',
      firstName: 'Zoë',
      lastName: 'Durand',
      emails: ['zoe@example.com', 'z.durand@example.org'],
      phones: ['+33 1 23 45 67 89'],
      title: 'CTO',
      companyId: 'co_1',
      tags: ['vip', 'paris'],
      customFields: { tier: 'gold', region: 'EU' },
      version: 2,
    });
    expect(contact.notes).toContain('Met at the fair.');
    expect(contact.notes).toContain('Prefers email.');
    expect(events.map((e) => e.detailType)).toEqual(['ContactsMerged', 'ContactUpdated']);
    expect(events[0]!.detail.data).toMatchObject({
      survivorId: 'ct_1',
      mergedId: 'ct_2',
      moved: { deals: 2 },
    });
  });

  it('notes that would overflow the survivor become a note activity on it instead', () => {
    const long = { ...duplicate, notes: 'x'.repeat(19_990) };
    const { contact, noteActivity, events } = mergeContacts(survivor, long, {}, context(manager));
    expect(contact.notes).toBe('Met at the fair.');
    expect(noteActivity).toMatchObject({ type: 'note', contactId: 'ct_1' });
    expect(events.map((e) => e.detailType)).toContain('ActivityLogged');
  });

  it('only managers and admins merge, and never a record into itself', () => {
    expect(() => mergeContacts(survivor, duplicate, {}, context(alice))).toThrow(Forbidden);
    expect(() => mergeContacts(survivor, survivor, {}, context(manager))).toThrow(ValidationFailed);
  });

  it('a deal of the duplicate is relinked to the survivor, at its next version, and says so', () => {
    const deal = createDeal(
      parse(NewDeal, {
        title: 'Rollout',
        value: { amount: 100_00, currency: 'EUR' },
        ownerId: 'u-alice',
        contactId: 'ct_2',
        nextAction: { summary: 'Call', dueAt: '2030-01-02T09:00:00Z' },
      }),
      defaultPipeline('2029-01-01T00:00:00.000Z'),
      context(alice),
    ).deal;
    const { deal: relinked, events } = relinkDeal(deal, { contactId: 'ct_1' }, context(manager));
    expect(relinked).toMatchObject({ contactId: 'ct_1', version: deal.version + 1, title: 'Rollout' });
    expect(events.map((e) => [e.detailType, (e.detail.data as { changed: string[] }).changed])).toEqual([
      ['DealUpdated', ['contactId']],
    ]);
  });
});
