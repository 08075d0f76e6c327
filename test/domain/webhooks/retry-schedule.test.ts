import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ATTEMPTS_PER_ROUND,
  NOMINAL_WAITS_SECONDS,
  nextWaitSeconds,
  retryAfterSeconds,
  SHORTEST_WINDOW_SECONDS,
} from '../../../domain/webhooks/retry-schedule.js';

// The webhook retry schedule: exponential (×3 from a minute, to 10 hours), ±10% jitter, never
// sooner than the receiver's Retry-After, and, whatever the jitter draws, more than 3 days
// from the first attempt to the last.

const THREE_DAYS = 3 * 86_400;

describe('the retry schedule', () => {
  it('waits about 1, 3, 9, 27, 81 minutes, 4 hours, then 10 hours: 15 attempts', () => {
    const nominal = Array.from({ length: ATTEMPTS_PER_ROUND - 1 }, (_, i) => nextWaitSeconds(i + 1, 0.5));
    expect(nominal).toEqual([60, 180, 540, 1620, 4860, 14580, ...Array(8).fill(36_000)]);
    expect(ATTEMPTS_PER_ROUND).toBe(15);
    expect(nextWaitSeconds(ATTEMPTS_PER_ROUND, 0.5)).toBeUndefined();
  });

  it('spans more than 3 days whatever the jitter draws, each wait within 10% of its nominal length', () => {
    expect(SHORTEST_WINDOW_SECONDS).toBeGreaterThan(THREE_DAYS);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 14,
          maxLength: 14,
        }),
        (draws) => {
          const waits = draws.map((r, i) => nextWaitSeconds(i + 1, r)!);
          waits.forEach((w, i) => {
            expect(Math.abs(w - NOMINAL_WAITS_SECONDS[i]!)).toBeLessThanOrEqual(
              NOMINAL_WAITS_SECONDS[i]! * 0.1 + 1,
            );
          });
          expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(THREE_DAYS);
        },
      ),
    );
  });

  it("is never sooner than the receiver's Retry-After, which is honoured up to 10 hours", () => {
    expect(nextWaitSeconds(1, 0.5, 5)).toBe(60);
    expect(nextWaitSeconds(1, 0.5, 7200)).toBe(7200);
    expect(nextWaitSeconds(1, 0.5, 10 * 86_400)).toBe(36_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = '2030-01-01T10:00:00.000Z';
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds('Tue, 01 Jan 2030 10:05:00 GMT', now)).toBe(300);
    expect(retryAfterSeconds('Tue, 01 Jan 2030 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds(undefined, now)).toBeUndefined();
  });
});
