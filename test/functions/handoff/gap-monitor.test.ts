import { beforeAll, describe, expect, it } from 'vitest';
import { handOff } from '../../../functions/handoff/use-cases/create-project-from-win.js';
import { watchHandoffGap } from '../../../functions/handoff/use-cases/report-handoff-gaps.js';
import { users } from '../../support/api.js';
import { eventsOf } from '../../support/crm.js';
import { asDelivered, dealReadyToWin, handoffFacts } from '../../support/handoff.js';
import { type TestTable, testTable } from '../../support/table.js';

// The gap monitor as of chosen instants (its schedule passes the time): a won deal without a
// project is reported once after the grace period, and no longer waits once handed off.

let table: TestTable;

beforeAll(async () => {
  table = await testTable();
});

describe('the handoff gap monitor', () => {
  it('reports a won deal without a project once, after the grace period, until the project exists', async () => {
    const { api, deal, contact } = await dealReadyToWin(table);
    const wonAt = '2030-01-01T10:00:00.000Z';
    await api('POST /deals/{id}/won', {
      as: users.alice,
      at: wonAt,
      params: { id: deal.id },
      body: { handoff: handoffFacts(contact.id) },
    });

    expect(await watchHandoffGap(table.services, '2030-01-01T10:10:00Z', 15)).toEqual({
      waiting: 0,
      reported: 0,
    });
    expect(await watchHandoffGap(table.services, '2030-01-01T10:20:00Z', 15)).toEqual({
      waiting: 1,
      reported: 1,
    });
    expect(await watchHandoffGap(table.services, '2030-01-01T10:25:00Z', 15)).toEqual({
      waiting: 1,
      reported: 0,
    });
    const missing = await eventsOf(table, 'HandoffMissing');
    expect(missing).toHaveLength(1);
    expect(missing[0]!).toMatchObject({
      source: 'handoff.followup',
      detail: {
        occurredAt: '2030-01-01T10:20:00.000Z',
        data: { dealId: deal.id, ownerId: users.alice.sub, win: 1, wonAt, minutesWaiting: 20 },
      },
    });

    const won = (await eventsOf(table, 'DealClosedWon')).find((e) => e.detail.data.deal.id === deal.id)!;
    await handOff(table.services, asDelivered(won), () => undefined);
    expect(await watchHandoffGap(table.services, '2030-01-01T10:30:00Z', 15)).toEqual({
      waiting: 0,
      reported: 0,
    });
  });
});
