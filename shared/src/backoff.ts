/** How long to wait before retrying: doubling from `initialMs`, capped at `maxMs`. */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Share (0–1) a delay may be shortened by at random, so clients coming back are not in step. */
  jitter: number;
}

/** The wait before retry number `attempt` (1 = the first retry); `random` gives [0, 1) (injected, so tests are deterministic). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`retry attempt must be a positive integer, got ${attempt}`);
  // Past 2 ** 30 every delay is the cap; bounding the exponent keeps the number finite.
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base * (1 - policy.jitter * random()));
}
