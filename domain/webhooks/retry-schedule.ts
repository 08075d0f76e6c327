// When a failed webhook delivery is tried again (docs/architecture.md, decision 16): exponential
// backoff with jitter, over more than three days. The waits are the schedule's, not a clock's: a
// delivery is given up after its last retry, however long the waits really took (the local
// runtime's --time-scale shortens them, as it does every wait AWS makes).

/** The nominal wait after each failed attempt, in seconds: ×3 from one minute, then every 10 hours. */
export const NOMINAL_WAITS_SECONDS: readonly number[] = [
  60,
  180,
  540,
  1_620,
  4_860,
  14_580,
  ...Array.from({ length: 8 }, () => 36_000),
];

/** Each wait is its nominal length ±10%, at random: failures of many deliveries do not retry in step. */
export const JITTER = 0.1;

/** Attempts in one round: the first and one per wait. */
export const ATTEMPTS_PER_ROUND = NOMINAL_WAITS_SECONDS.length + 1;

/** The shortest a round's waits can add up to: the retry window is never shorter (over 3 days). */
export const SHORTEST_WINDOW_SECONDS = NOMINAL_WAITS_SECONDS.reduce((a, b) => a + b, 0) * (1 - JITTER);

/** The longest a receiver's Retry-After is honoured for: a longer one waits this long. */
export const LONGEST_RETRY_AFTER_SECONDS = 36_000;

/**
 * The wait before the next attempt after `attemptsMade` failed attempts of a round, or undefined
 * when the round is over. `random` is in [0, 1) (passed in: the domain has no randomness);
 * `retryAfterSeconds` is the receiver's Retry-After, which is never retried sooner than.
 */
export function nextWaitSeconds(
  attemptsMade: number,
  random: number,
  retryAfterSeconds?: number,
): number | undefined {
  const nominal = NOMINAL_WAITS_SECONDS[attemptsMade - 1];
  if (nominal === undefined) return undefined;
  const jittered = Math.round(nominal * (1 - JITTER + 2 * JITTER * random));
  if (retryAfterSeconds === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterSeconds, LONGEST_RETRY_AFTER_SECONDS));
}

/**
 * A Retry-After header (RFC 9110: delay-seconds, or an HTTP date) as seconds from `now`;
 * undefined when absent or unreadable.
 */
export function retryAfterSeconds(header: string | undefined, now: string): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - Date.parse(now)) / 1000));
}
