import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// The local runtime keeps what AWS keeps: killed (SIGKILL to it and everything it started, as a
// crash) in the middle of a burst of wins, it loses no acknowledged win: the events the bus
// had accepted, the deliveries and retries it had pending and Lambda's queued events were on
// disk, and resume on restart. It survives its folders being removed under it, and its local S3
// refuses presigned links that were edited or have expired, as S3 does.

const started: RunningLocal[] = [];
afterAll(async () => {
  for (const l of started) await l.stop({ keepDir: true });
  for (const l of started) rmSync(l.localDir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startLocal>[0]) {
  const local = await startLocal(options);
  started.push(local);
  return local;
}

const facts = (contactId: string) => ({
  handoff: {
    scopeSummary: 'Roll out',
    promisedTimeline: { dueDate: '2030-06-28' },
    keyConstraints: ['on-prem'],
    mainStakeholderContactId: contactId,
    kickoffDate: '2030-02-04',
  },
});

describe('the local runtime, killed and restarted', () => {
  it('killed mid-way through 40 wins, it finds every acknowledged win with its project on restart', async () => {
    const first = await start({ keepData: true, warm: ['CrmApi', 'OutboxRelay'] });
    const alice = await first.token({ user: 'alice', groups: ['sales'] });
    const contactId = (await first.api('POST', '/contacts', { token: alice, body: { firstName: 'Grace' } }))
      .body.id;
    const deals: string[] = [];
    for (let i = 0; i < 40; i++) {
      const deal = await first.api('POST', '/deals', {
        token: alice,
        body: {
          title: `Deal ${i}`,
          value: { amount: 1000 + i, currency: 'EUR' },
          ownerId: 'alice',
          contactId,
          nextAction: { summary: 'Close', dueAt: '2030-01-10T09:00:00Z' },
        },
      });
      deals.push(deal.body.id);
    }
    const acknowledged: string[] = [];
    let killing: Promise<void> | undefined;
    await Promise.all(
      deals.map(async (id) => {
        try {
          const won = await first.api('POST', `/deals/${id}/won`, { token: alice, body: facts(contactId) });
          if (won.status === 200) acknowledged.push(id);
        } catch {
          // the runtime died under this request: not acknowledged
        }
        if (acknowledged.length >= 14 && !killing) killing = first.kill();
      }),
    );
    await killing;
    expect(acknowledged.length).toBeGreaterThanOrEqual(14);
    // what the crash left behind: some wins already handed off, some not yet
    const projectsBefore = first
      .output()
      .split('\n')
      .filter((l) => /CreateProjectOnWin\s+event\s+DealClosedWon.*→\s+ok/.test(l)).length;
    expect(projectsBefore).toBeLessThan(40);

    const second = await start({ keepData: true, localDir: first.localDir, warm: ['CrmApi', 'OutboxRelay'] });
    // waited for on the bus, one read a round (asking the API for each deal's project was up to 40
    // invocations every quarter second while the restarted runtime caught up), then read through
    // the API once each
    const until = Date.now() + 90_000;
    const projectsMade = async () =>
      new Set((await second.busEvents('ProjectCreated')).map((e) => e.detail.data.dealId));
    for (;;) {
      const made = await projectsMade();
      if (acknowledged.every((id) => made.has(id)) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const missing: string[] = [];
    for (const id of acknowledged) {
      const project = await second.api('GET', `/deals/${id}/project`, { token: alice });
      if (project.status !== 200) missing.push(id);
    }
    expect(missing).toEqual([]);
    // exactly one project each, however many times a win was delivered across the crash
    const created = (await second.busEvents('ProjectCreated')).map((e) => e.detail.data.dealId);
    for (const id of acknowledged) expect(created.filter((d) => d === id)).toHaveLength(1);
  }, 300_000);

  it('keeps running when its folders are removed under it, and writes them again', async () => {
    const local = await start({ args: ['--time-scale', '0.001'] });
    const mia = await local.token({ user: 'mia', groups: ['manager'], email: 'mia@example.com' });
    await local.api('GET', '/me', { token: mia });
    const late = await local.api('POST', '/deals', {
      token: mia,
      body: {
        title: 'Late',
        value: { amount: 100, currency: 'EUR' },
        ownerId: 'mia',
        nextAction: { summary: 'Call', dueAt: '2030-03-01T09:00:00Z' },
      },
    });
    expect(late.status).toBe(201);
    for (const folder of ['mail', 'bus', 'queues', 'lambda', 's3'])
      rmSync(join(local.localDir, folder), { recursive: true, force: true });
    const digest = await local.invoke('DailyDigest', { time: '2030-03-05T07:00:00Z' });
    expect(digest.ok).toBe(true);
    const deadline = Date.now() + 20_000;
    while (!local.output().includes('mail to mia@example.com') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(local.output()).toContain('mail to mia@example.com');
    expect((await local.api('GET', '/health')).status).toBe(200);
  }, 120_000);

  it('its S3 refuses a presigned link that was edited or has expired, as S3 does', async () => {
    const local = started.at(-1)!;
    const alice = await local.token({ user: 'alice', groups: ['sales'] });
    const started1 = await local.api('POST', '/imports', { token: alice, body: { kind: 'contacts' } });
    const url = new URL(started1.body.upload.url);
    const put = (u: URL) =>
      fetch(u, { method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'firstName\nAda\n' });

    const otherKey = new URL(url);
    otherKey.pathname = otherKey.pathname.replace(/[^/]+$/, 'someone-else.csv');
    const forged = await put(otherKey);
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect((await put(longer)).status).toBe(403);

    // a link signed correctly an hour ago for a minute
    const { s3Endpoint } = JSON.parse(readFileSync(join(local.localDir, 'runtime.json'), 'utf8'));
    const bucket = url.pathname.split('/')[1]!;
    const s3 = new S3Client({
      endpoint: s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: LOCAL_CREDENTIALS,
    });
    const expired = await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: bucket, Key: 'uploads/late.csv' }),
      {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 3_600_000),
      },
    );
    const stale = await put(new URL(expired));
    expect(stale.status).toBe(403);
    expect(await stale.text()).toContain('<Message>Request has expired</Message>');
    s3.destroy();

    const fine = await put(url);
    expect(fine.status).toBe(200);
  }, 60_000);
});
