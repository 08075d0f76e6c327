import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local.js';
import type { DeadLetterView } from '../../infra/local/sqs.js';
import { forgedOnPurpose } from '../support/contracts.js';
import { type RunningLocal, startLocal } from '../support/local-runtime.js';

// Every asynchronous path, made to fail on the local runtime, ends where it ends in AWS, after
// the retries AWS makes, and comes back with the redrive command (a dry run first leaves every
// message for it) without writing anything twice. Failures are made two ways, each named in its
// test: a poisoned input (an event no function can read), or a fault injected in an AWS service
// behind one function (its DynamoDB, S3 or SES answers 500; or Lambda refuses to invoke it). The functions are the deployed code.
// AWS's delays (Lambda's one and two minutes before each retry) run 1000 times faster here.

let local: RunningLocal;
let alice: string;
let contactId: string;

beforeAll(async () => {
  local = await startLocal({
    args: ['--time-scale', '0.001'],
    warm: ['CrmApi', 'TransferApi', 'DeliveryApi', 'OutboxRelay'],
  });
  alice = await local.token({ user: 'alice', groups: ['sales'] });
  contactId = (await local.api('POST', '/contacts', { token: alice, body: { firstName: 'Grace' } })).body.id;
}, 180_000);

afterAll(async () => {
  await local?.stop();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The dead letter about `fn` that `match` picks, once it has landed. */
function deadLetter(match: (l: DeadLetterView) => boolean, timeoutMs?: number): Promise<DeadLetterView> {
  return until('a dead letter', async () => (await local.deadLetters()).find(match), timeoutMs);
}

const handoffFailures = (l: DeadLetterView) =>
  l.letter.kind === 'lambda-async' && l.letter.functionArn.includes('CreateProjectOnWinFunction');

async function wonDeal(): Promise<string> {
  const deal = await local.api('POST', '/deals', {
    token: alice,
    body: {
      title: 'Rollout',
      value: { amount: 500_000, currency: 'EUR' },
      ownerId: 'alice',
      contactId,
      nextAction: { summary: 'Close', dueAt: '2030-01-10T09:00:00Z' },
    },
  });
  const won = await local.api('POST', `/deals/${deal.body.id}/won`, {
    token: alice,
    body: {
      handoff: {
        scopeSummary: 'Roll out',
        promisedTimeline: { dueDate: '2030-06-28' },
        keyConstraints: ['on-prem'],
        mainStakeholderContactId: contactId,
        kickoffDate: '2030-02-04',
      },
    },
  });
  expect(won.status).toBe(200);
  return deal.body.id;
}

async function redrive(queueId: string) {
  const out = await local.invoke('RedriveDeadLetters', { queue: queueId });
  expect(out.ok, JSON.stringify(out.error)).toBe(true);
  return out.result as { redriven: number; kept: number; messages: { action: string; done: boolean }[] };
}

async function projectsOf(dealId: string): Promise<number> {
  return (await local.busEvents('ProjectCreated')).filter((e) => e.detail.data.dealId === dealId).length;
}

describe('failures on the local runtime land where they land in AWS', () => {
  it("the operator's sequence (docs/operations.md): a dry run lists the dead letter and leaves it; the real run right after redrives it and the queue is empty", async () => {
    await local.fault('CreateProjectOnWin', 'dynamodb');
    const dealId = await wonDeal();
    const letter = await deadLetter(handoffFailures);
    await local.fault('CreateProjectOnWin', 'dynamodb', false);
    const queued = async () => (await local.deadLetters()).filter((l) => l.queueId === letter.queueId);
    expect((await queued()).map((l) => l.messageId)).toEqual([letter.messageId]);

    const dry = await local.cli('redrive', [letter.queueId, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would {2}function CreateProjectOnWinFunction\w+ failed 3 time\(s\)/m);
    expect(dry.stdout).toMatch(/\ndry run: 1 would be redriven, 0 would be kept\n$/);
    expect(await projectsOf(dealId)).toBe(0);

    // at once, well within the 30 s the dry run's read hid the message for before
    const run = await local.cli('redrive', [letter.queueId]);
    expect(run.stdout).toMatch(/^redriven {2}function CreateProjectOnWinFunction\w+ failed 3 time\(s\)/m);
    expect(run.stdout).toMatch(/\n1 redriven, 0 kept\n$/);
    expect(run.code).toBe(0);
    await until('the project', async () => ((await projectsOf(dealId)) === 1 ? true : undefined));
    expect(await queued()).toEqual([]);
  }, 60_000);

  it("poisoned input (a DealClosedWon of a version nobody reads): the handoff runs 3 times, then the record is in the handoff's on-failure queue, not the rule's", async () => {
    const dealId = await wonDeal();
    const real = await local.waitForEvent('DealClosedWon', (e) => e.detail.data.deal.id === dealId);
    await until('the project', async () => ((await projectsOf(dealId)) === 1 ? true : undefined));
    forgedOnPurpose(
      (e) => e['detail-type'] === 'DealClosedWon' && (e.detail as { version: number }).version === 99,
    );
    const bus = new EventBridgeClient({
      endpoint: local.busEndpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: real.local.bus,
            Source: real.source,
            DetailType: 'DealClosedWon',
            Detail: JSON.stringify({ ...real.detail, version: 99 }),
          },
        ],
      }),
    );
    bus.destroy();
    const letter = await deadLetter(handoffFailures);
    expect(letter.letter).toMatchObject({
      kind: 'lambda-async',
      condition: 'RetriesExhausted',
      attempts: 3,
      error: expect.stringContaining('DealClosedWon version 99 is not one this function reads'),
    });
    expect(letter.body).toMatchObject({ requestPayload: { detail: { version: 99 } } });
    const runs = local
      .output()
      .split('\n')
      .filter((l) => /CreateProjectOnWin\s+event\s+DealClosedWon/.test(l) && l.includes('UnreadableEvent'));
    expect(runs).toHaveLength(3);
    expect((await local.deadLetters()).filter((l) => l.letter.kind === 'rule-target')).toEqual([]);
    // the record says what to do: the dead-letters command lists it with the redrive command
    const listed = await local.cli('dead-letters');
    expect(listed.stdout).toContain(`${letter.queueId}  (`);
    expect(listed.stdout).toContain('function CreateProjectOnWinFunction');
    expect(listed.stdout).toContain('failed 3 time(s) (RetriesExhausted): UnreadableEvent');
    expect(listed.stdout).toContain(`redrive: npm run redrive -- ${letter.queueId}`);
    // redriven as it is, it fails again and comes back: a poisoned event stays visible
    const redriveRuns = () =>
      local
        .output()
        .split('\n')
        .filter((l) => /CreateProjectOnWin\s+event\s+Invoke \(Event\)/.test(l)).length;
    const before = redriveRuns();
    const report = await redrive(letter.queueId);
    expect(report).toMatchObject({ redriven: 1, kept: 0 });
    await until('the record back in the queue', async () =>
      (await local.deadLetters()).filter(handoffFailures).length === 1 && redriveRuns() === before + 3
        ? true
        : undefined,
    );
    expect(await projectsOf(dealId)).toBe(1);
  }, 60_000);

  it("fault in the handoff's DynamoDB: 3 runs, the won deal's event in the on-failure queue; healed, the redrive (twice) makes exactly one project", async () => {
    const before = (await local.deadLetters()).filter(handoffFailures).map((l) => l.messageId);
    await local.fault('CreateProjectOnWin', 'dynamodb');
    const dealId = await wonDeal();
    const letter = await deadLetter((l) => handoffFailures(l) && !before.includes(l.messageId));
    expect(letter.letter).toMatchObject({ condition: 'RetriesExhausted', attempts: 3 });
    expect(letter.body).toMatchObject({ requestPayload: { detail: { data: { deal: { id: dealId } } } } });
    expect(await projectsOf(dealId)).toBe(0);
    expect((await local.api('GET', `/deals/${dealId}/project`, { token: alice })).status).toBe(404);

    await local.fault('CreateProjectOnWin', 'dynamodb', false);
    // as an operator does: `npm run redrive -- <queue>` (the RedriveDeadLetters function)
    const run = await local.cli('redrive', [letter.queueId]);
    expect(run.stdout).toMatch(/^redriven {2}function CreateProjectOnWinFunction\w+ failed 3 time\(s\)/m);
    expect(run.stdout).toMatch(/\n\d+ redriven, 0 kept\n$/);
    expect(run.code).toBe(0);
    await until('the project', async () => ((await projectsOf(dealId)) === 1 ? true : undefined));
    // the same record redriven again (an operator's second try): nothing is written twice
    await local.invoke(
      'CreateProjectOnWin',
      letter.body && (letter.body as { requestPayload: unknown }).requestPayload,
    );
    expect(await projectsOf(dealId)).toBe(1);
    expect((await local.api('GET', `/deals/${dealId}/project`, { token: alice })).status).toBe(200);
  }, 60_000);

  it('Lambda refuses to invoke the handoff (a fault): EventBridge retries the delivery as the rule says, then its DLQ; the redrive delivers it', async () => {
    await local.fault('CreateProjectOnWin', 'invoke');
    const dealId = await wonDeal();
    const letter = await deadLetter(
      (l) => l.letter.kind === 'rule-target' && JSON.stringify(l.body).includes(dealId),
    );
    expect(letter.letter).toMatchObject({
      kind: 'rule-target',
      ruleArn: expect.stringContaining('rule/'),
      targetArn: expect.stringContaining(':function:CreateProjectOnWinFunction'),
      error: expect.stringContaining('ServiceException'),
    });
    expect(letter.attributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '8',
    });
    expect(await projectsOf(dealId)).toBe(0);
    await local.fault('CreateProjectOnWin', 'invoke', false);
    const report = await redrive(letter.queueId);
    expect(report.messages[0]!.action).toMatch(
      /^invoke .*CreateProjectOnWinFunction\w* asynchronously with the event$/,
    );
    await until('the project', async () => ((await projectsOf(dealId)) === 1 ? true : undefined));
  }, 60_000);

  it("fault in the sweep's DynamoDB: the scheduled run fails 3 times into the sweep's on-failure queue; healed, the redrive flags each late action once", async () => {
    // a deal whose next action is late as of the instant the sweep is fired for
    const late = await local.api('POST', '/deals', {
      token: alice,
      body: {
        title: 'Late',
        value: { amount: 1000, currency: 'EUR' },
        ownerId: 'alice',
        nextAction: { summary: 'Call', dueAt: '2030-06-01T09:00:00Z' },
      },
    });
    expect(late.status).toBe(201);
    await local.fault('OverdueSweep', 'dynamodb');
    const fired = await local.fire('overdue-sweep', '2030-07-01T00:00:00Z');
    expect(fired).toMatchObject({ ok: false });
    const letter = await deadLetter(
      (l) => l.letter.kind === 'lambda-async' && l.letter.functionArn.includes('OverdueSweep'),
    );
    expect(letter.letter).toMatchObject({ attempts: 3, condition: 'RetriesExhausted' });
    expect(letter.body).toMatchObject({ requestPayload: { time: fired.scheduledTime } });
    await local.fault('OverdueSweep', 'dynamodb', false);
    await redrive(letter.queueId);
    const flagged = await local.waitForEvent('NextActionOverdue', (e) => e.detail.data.dealTitle === 'Late');
    expect(flagged).toBeDefined();
    // the same scheduled time again: a sweep flags a late action once
    const again = await local.invoke('OverdueSweep', { time: fired.scheduledTime });
    expect(again.result.flagged.nextActions).toBe(0);
  }, 60_000);

  it("Lambda refuses to invoke the daily digest (a fault): Scheduler retries 3 times, then the schedule's DLQ with Scheduler's attributes", async () => {
    await local.fault('DailyDigest', 'invoke');
    const fired = await local.fire('daily-digest', '2030-03-04T07:00:00Z');
    expect(fired).toMatchObject({ ok: false, error: expect.stringContaining('not invoked') });
    const letter = await deadLetter((l) => l.letter.kind === 'schedule-target');
    expect(letter.letter).toMatchObject({
      scheduleArn: expect.stringContaining('schedule/default/handoff-daily-digest'),
      targetArn: expect.stringContaining(':function:DailyDigest'),
    });
    expect(letter.body).toEqual({ time: '2030-03-04T07:00:00Z' });
    expect(letter.attributes.EXECUTION_ID).toBeTruthy();
    await local.fault('DailyDigest', 'invoke', false);
    const report = await redrive(letter.queueId);
    expect(report.messages[0]).toMatchObject({
      done: true,
      action: expect.stringMatching(/DailyDigest\w* asynchronously with the schedule's input$/),
    });
    await until('the digest run', async () =>
      local.output().includes('DailyDigest    event    Invoke (Event)  →  ok') ? true : undefined,
    );
  }, 60_000);

  it("fault in the mailer's SES: the digest's mail fails 3 times into the mailer's on-failure queue; healed, redriven twice, it is mailed once", async () => {
    const mia = await local.token({ user: 'mia', groups: ['manager'], email: 'mia@example.com' });
    await local.api('GET', '/me', { token: mia });
    const late = await local.api('POST', '/deals', {
      token: mia,
      body: {
        title: 'Mia late',
        value: { amount: 1000, currency: 'EUR' },
        ownerId: 'mia',
        nextAction: { summary: 'Call', dueAt: '2030-03-01T09:00:00Z' },
      },
    });
    expect(late.status).toBe(201);
    await local.fault('DigestMailer', 'ses');
    const digest = await local.invoke('DailyDigest', { time: '2030-03-05T07:00:00Z' });
    expect(digest.ok).toBe(true);
    const letter = await deadLetter(
      (l) =>
        l.letter.kind === 'lambda-async' &&
        l.letter.functionArn.includes('DigestMailer') &&
        JSON.stringify(l.body).includes('"userId":"mia"'),
    );
    expect(letter.letter).toMatchObject({ attempts: 3, error: expect.stringContaining('InternalFailure') });
    await local.fault('DigestMailer', 'ses', false);
    const mailerDone = () => local.output().match(/DigestMailer\s+\S+\s+.*→\s+ok/g)?.length ?? 0;
    const doneBefore = mailerDone();
    await redrive(letter.queueId);
    const mailed = () =>
      local
        .output()
        .split('\n')
        .filter((l) => l.startsWith('mail to mia@example.com')).length;
    await until('the mail', async () => (mailed() === 1 ? true : undefined));
    // the mailer records the digest as mailed after SES took it: the second redrive comes once
    // the first invocation has finished, as an operator's second run of the CLI would
    await until('the redriven invocation done', async () => (mailerDone() > doneBefore ? true : undefined));
    const payload = (letter.body as { requestPayload: unknown }).requestPayload;
    const second = await local.invoke('DigestMailer', payload);
    expect(second.result).toEqual({ mailed: false, reason: 'already mailed' });
    expect(mailed()).toBe(1);
  }, 60_000);

  it("fault in the import's S3: the upload's import fails 3 times into the import's on-failure queue; healed and redriven, every row is imported once", async () => {
    const started = await local.api('POST', '/imports', { token: alice, body: { kind: 'contacts' } });
    expect(started.status).toBe(201);
    await local.fault('CsvImport', 's3');
    const csv = ['firstName,email', ...Array.from({ length: 20 }, (_, i) => `P${i},p${i}@example.com`)].join(
      '\n',
    );
    const put = await fetch(started.body.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    expect(put.status).toBe(200);
    const letter = await deadLetter(
      (l) => l.letter.kind === 'lambda-async' && l.letter.functionArn.includes('CsvImport'),
    );
    expect(letter.body).toMatchObject({
      requestPayload: { source: 'aws.s3', 'detail-type': 'Object Created' },
    });
    await local.fault('CsvImport', 's3', false);
    await redrive(letter.queueId);
    const job = await until('the import', async () => {
      const res = await local.api('GET', `/imports/${started.body.id}`, { token: alice });
      return res.body.status === 'completed' ? res.body : undefined;
    });
    expect(job.rows).toMatchObject({ read: 20, created: 20, rejected: 0 });
    // the upload's event once more (S3 may tell twice): nothing is imported twice
    await local.invoke('CsvImport', (letter.body as { requestPayload: unknown }).requestPayload);
    const again = await local.api('GET', `/imports/${started.body.id}`, { token: alice });
    expect(again.body.rows).toMatchObject({ created: 20 });
    const found = await local.api('GET', '/contacts?email=p7@example.com', { token: alice });
    expect(found.body.items).toHaveLength(1);
  }, 60_000);

  it("fault in the relay's EventBridge: the stream batch is retried 10 times, then its record in the relay's queue; the redrive reads the records again and publishes them", async () => {
    await local.fault('OutboxRelay', 'eventbridge');
    const company = await local.api('POST', '/companies', { token: alice, body: { name: 'Stuck Ltd' } });
    const letter = await deadLetter((l) => l.letter.kind === 'stream-batch', 60_000);
    expect(letter.letter).toMatchObject({ condition: 'RetryAttemptsExhausted' });
    expect(
      (await local.busEvents('CompanyCreated')).filter((e) => e.detail.data.company.id === company.body.id),
    ).toEqual([]);
    await local.fault('OutboxRelay', 'eventbridge', false);
    const report = await redrive(letter.queueId);
    // a refusal's reason is in the report: a failure shows why the records were not read again
    expect(report.messages[0]!.action, JSON.stringify(report.messages[0])).toMatch(
      /read \d+ record\(s\) of .* again from the stream/,
    );
    const published = await local.waitForEvent(
      'CompanyCreated',
      (e) => e.detail.data.company.id === company.body.id,
    );
    expect(published).toBeDefined();
  }, 90_000);
});
