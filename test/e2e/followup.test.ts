import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localClock } from '../../domain/followup/digest.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// Follow-up enforcement on the local runtime with the demo company (`npm start -- --seed`):
// the overdue sweep and the daily digest fired as `npm run fire` does, mail kept by the local
// SES, GET /followups, snoozes.

let local: RunningLocal;

beforeAll(async () => {
  local = await startLocal(['--seed']);
  // ready is announced once the seed is in: whatever runs on "running" sees all of it
  const output = local.output();
  expect(output).toContain('seeded: alice, bob (sales) and mia (manager)');
  expect(output.indexOf('seeded:')).toBeLessThan(output.indexOf('Handoff is running'));
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

/** The next whole hour at which it is `hour` o'clock in a zone. */
function nextLocalHour(timeZone: string, hour: number): string {
  const t = new Date();
  t.setUTCMinutes(0, 0, 0);
  for (let i = 1; i < 48; i++) {
    const at = new Date(t.getTime() + i * 3_600_000).toISOString();
    if (localClock(at, timeZone).hour === hour) return at;
  }
  throw new Error('no such hour');
}

describe('follow-ups on the local runtime', () => {
  it('the sweep flags the seeded late next actions once; a second run flags none', async () => {
    const first = await local.fire('overdue-sweep');
    expect(first).toMatchObject({ ok: true, result: { flagged: { nextActions: 2 } } });
    const second = await local.fire('overdue-sweep');
    expect(second.result.flagged).toEqual({ nextActions: 0, tasks: 0, stalls: 0 });
    await local.waitForEvent('NextActionOverdue', (e) => e.detail.data.ownerId === 'bob');
    expect((await local.busEvents('NextActionOverdue')).map((e) => e.detail.data.ownerId).sort()).toEqual([
      'alice',
      'bob',
    ]);
  });

  it('GET /followups lists them; a snooze takes a deal off the list', async () => {
    const alice = await local.token({ user: 'alice', groups: ['sales'] });
    const list = await local.api('GET', '/followups', { token: alice });
    expect(list.body.items.map((f: { dealTitle: string }) => f.dealTitle)).toEqual([
      'Initech reporting suite',
    ]);
    const mia = await local.token({ user: 'mia', groups: ['manager'] });
    const team = await local.api('GET', '/followups?team=true', { token: mia });
    expect(team.body.items).toHaveLength(2);
    const dealId = list.body.items[0].dealId;
    const snoozed = await local.api('POST', `/deals/${dealId}/snooze`, {
      token: alice,
      body: { until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'Bill is travelling' },
    });
    expect(snoozed.status).toBe(200);
    expect((await local.api('GET', '/followups', { token: alice })).body.items).toEqual([]);
  });

  it("the daily digest, fired at 7:00 in each owner's zone, leaves one mail per owner with work", async () => {
    const berlin = await local.fire('daily-digest', nextLocalHour('Europe/Berlin', 7));
    expect(berlin.ok).toBe(true);
    const newYork = await local.fire('daily-digest', nextLocalHour('America/New_York', 7));
    expect(newYork.ok).toBe(true);
    // mia (manager, Berlin) has the team's; bob (New York) his late deal; alice snoozed hers and
    // has nothing left, so she gets none
    const until = Date.now() + 10_000;
    const mailDir = join(local.localDir, 'mail');
    const mails = () => {
      try {
        return readdirSync(mailDir).filter((f) => f.endsWith('.json'));
      } catch {
        return [];
      }
    };
    while (mails().length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const recipients = mails()
      .map((f) => f.replace(/^.*Z-/, '').replace(/\.json$/, ''))
      .sort();
    expect(recipients).toEqual(['bob@example.com', 'mia@example.com']);
    const again = await local.fire('daily-digest', nextLocalHour('America/New_York', 7));
    expect(again.result.sent).toBe(0);
  });
});
