// Reconnect delays: exponential, capped, with jitter so many clients do not return in step.

export interface BackoffOptions {
  /** delay before the first retry (default 250 ms) */
  minDelayMs?: number;
  /** the cap (default 30 s) */
  maxDelayMs?: number;
  /** growth per attempt (default 2) */
  factor?: number;
  /** share of the delay that is random, 0..1 (default 0.5: between 50 % and 100 % of it) */
  jitter?: number;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { minDelayMs = 250, maxDelayMs = 30_000, factor = 2, jitter = 0.5 } = options;
  const ceiling = Math.min(maxDelayMs, minDelayMs * factor ** Math.min(attempt, 64));
  return Math.round(ceiling * (1 - jitter * random()));
}
