import { describe, expect, it } from 'vitest';
import {
  ATTEMPTS_KEPT,
  type AttemptResult,
  abandon,
  afterAttempt,
  endpointFailedThroughout,
  newDelivery,
  reopen,
  type WebhookDelivery,
} from '../../../domain/webhooks/delivery.js';
import { receives } from '../../../domain/webhooks/subscriptions.js';

// A delivery's life: one event, one endpoint, one id (the webhook-id) for every attempt and
// every round; a 2xx delivers, a 410 gives the endpoint up, anything else waits its turn on the
// schedule until the round is over.

const event = {
  id: '01JABCDEF0123456789ABCDEFG',
  detailType: 'DealCreated',
  occurredAt: '2030-01-01T09:00:00.000Z',
};
const at = (minutes: number) =>
  new Date(Date.parse('2030-01-01T09:00:00.000Z') + minutes * 60_000).toISOString();
const answered = (statusCode: number | null, extra: Partial<AttemptResult> = {}): AttemptResult => ({
  statusCode,
  latencyMs: 12,
  response: null,
  error: statusCode === null ? 'connection refused' : null,
  ...extra,
});

describe('a webhook delivery', () => {
  it('is delivered by a 2xx, with the attempt kept', () => {
    const d = newDelivery(event, 'whe_1', 'event', at(0));
    const { delivery, retryInSeconds } = afterAttempt(d, answered(204), at(0), 0.5);
    expect(retryInSeconds).toBeUndefined();
    expect(delivery).toMatchObject({
      id: event.id,
      status: 'delivered',
      attemptsInRound: 1,
      attemptCount: 1,
      nextAttemptAt: null,
    });
    expect(delivery.attempts).toEqual([
      {
        round: 1,
        number: 1,
        at: at(0),
        outcome: 'delivered',
        statusCode: 204,
        latencyMs: 12,
        response: null,
        error: null,
      },
    ]);
  });

  it('waits its turn after a failure, then fails for good after its round; a 410 gives up at once', () => {
    let d: WebhookDelivery = newDelivery(event, 'whe_1', 'event', at(0));
    const waits: number[] = [];
    for (let i = 0; i < 15; i++) {
      const next = afterAttempt(d, answered(500), at(i), 0.5);
      d = next.delivery;
      if (next.retryInSeconds !== undefined) waits.push(next.retryInSeconds);
      if (i < 14)
        expect(d.nextAttemptAt).toBe(new Date(Date.parse(at(i)) + next.retryInSeconds! * 1000).toISOString());
      else expect(next.exhausted).toBe(true);
    }
    expect(waits).toHaveLength(14);
    expect(d).toMatchObject({ status: 'failed', reason: 'retries-exhausted', attemptCount: 15 });
    const gone = afterAttempt(newDelivery(event, 'whe_1', 'event', at(0)), answered(410), at(0), 0.5);
    expect(gone).toMatchObject({ endpointGone: true, delivery: { status: 'failed', reason: 'gone' } });
  });

  it('an explicit send to a disabled endpoint is tried once', () => {
    const once = afterAttempt(newDelivery(event, 'whe_1', 'test', at(0)), answered(null), at(0), 0.5, false);
    expect(once).toMatchObject({
      exhausted: false,
      delivery: { status: 'failed', reason: 'retries-exhausted' },
    });
    expect(once.retryInSeconds).toBeUndefined();
  });

  it('a resend or replay is a new round of the same delivery: same id, attempts kept (the latest 30)', () => {
    let d = newDelivery(event, 'whe_1', 'event', at(0));
    for (let i = 0; i < 40; i++)
      d = afterAttempt({ ...d, status: 'pending', attemptsInRound: 0 }, answered(500), at(i), 0.5).delivery;
    d = afterAttempt(d, answered(200), at(41), 0.5).delivery;
    const again = reopen(d, 'replay', at(50), 'whr_1');
    expect(again).toMatchObject({
      id: event.id,
      status: 'pending',
      round: d.round + 1,
      attemptsInRound: 0,
      trigger: 'replay',
      replayId: 'whr_1',
    });
    expect(again.attempts).toHaveLength(ATTEMPTS_KEPT);
    expect(abandon(again, 'endpoint-deleted', at(51))).toMatchObject({
      status: 'failed',
      reason: 'endpoint-deleted',
      nextAttemptAt: null,
    });
  });

  it("disables its endpoint only when nothing reached it since the round's first attempt", () => {
    let d = newDelivery(event, 'whe_1', 'event', at(0));
    d = afterAttempt(d, answered(500), at(1), 0.5).delivery;
    expect(endpointFailedThroughout(at(1), d)).toBe(true);
    expect(endpointFailedThroughout(at(0), d)).toBe(true);
    expect(endpointFailedThroughout(at(2), d)).toBe(false);
    expect(endpointFailedThroughout(null, d)).toBe(false);
  });
});

describe('who receives an event', () => {
  it('the endpoints naming it, or every one ("*"); never the sender\'s own requests; a test its endpoint only', () => {
    expect(receives({ id: 'whe_1', events: ['DealCreated'] }, 'DealCreated', {})).toBe(true);
    expect(receives({ id: 'whe_1', events: ['DealCreated'] }, 'DealUpdated', {})).toBe(false);
    expect(receives({ id: 'whe_1', events: ['*'] }, 'WebhookEndpointDisabled', {})).toBe(true);
    expect(receives({ id: 'whe_1', events: ['*'] }, 'WebhookResendRequested', {})).toBe(false);
    expect(receives({ id: 'whe_1', events: ['*'] }, 'WebhookTest', { endpointId: 'whe_2' })).toBe(false);
    expect(receives({ id: 'whe_2', events: ['DealCreated'] }, 'WebhookTest', { endpointId: 'whe_2' })).toBe(
      true,
    );
  });
});
