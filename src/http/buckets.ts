// Token buckets by key (client IP, username) for the auth rate limits. Time is passed in.
//
// `KeyedBuckets` counts what already happened. `FailureBudget` is for attempts whose outcome is
// known only afterwards (a password check): an attempt reserves a token before it runs and gives
// it back if it succeeds, so N parallel attempts can never run more checks than the budget has
// tokens. An attempt that finds the budget taken by attempts still running waits for them
// instead of being refused: parallel good logins pass, parallel bad ones stop at the limit.
// It waits by looking again every few ms rather than on a promise the others resolve: a Worker
// request may not wait on another request's events (the runtime cancels it as hung).

const MINUTE_MS = 60_000;

/** Token buckets by key: `limit` tokens, refilled at `limit` per minute. */
export class KeyedBuckets {
  // Map order is least recently touched first, which is what eviction drops.
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** ms until `key` has a whole token (0: it has one now); takes nothing. */
  wait(key: string, now: number): number {
    return this.#waitFor(this.tokens(key, now), 1);
  }

  /** Takes a token if there is one (0), else takes nothing and returns the wait for one. */
  take(key: string, now: number): number {
    const tokens = this.tokens(key, now);
    if (tokens < 1) return this.#waitFor(tokens, 1);
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return 0;
  }

  /** The tokens `key` has now (fractional while refilling). */
  tokens(key: string, now: number): number {
    const b = this.#buckets.get(key);
    if (!b) return this.limit;
    return Math.min(this.limit, b.tokens + ((now - b.at) * this.limit) / MINUTE_MS);
  }

  /** ms until `key` has `needed` whole tokens, given `tokens` now. */
  waitUntil(key: string, now: number, needed: number): number {
    return this.#waitFor(this.tokens(key, now), needed);
  }

  get size(): number {
    return this.#buckets.size;
  }

  #waitFor(tokens: number, needed: number): number {
    return tokens >= needed ? 0 : Math.ceil(((needed - tokens) * MINUTE_MS) / this.limit);
  }
}

const RECHECK_MS = 10;

/** Attempts that may fail, reserved before they run (see the top of this file). */
export class FailureBudget {
  readonly #failures: KeyedBuckets;
  readonly #running = new Map<string, number>();
  readonly #waiting = new Map<string, number>();

  constructor(
    limit: number,
    private readonly now: () => number,
    /** attempts one key may have waiting; more are refused like an exhausted budget */
    private readonly maxWaiting = 1000,
  ) {
    this.#failures = new KeyedBuckets(limit);
  }

  /** 0 once a token is reserved for an attempt of `key`; else the ms to wait before trying again. */
  async reserve(key: string): Promise<number> {
    for (;;) {
      const running = this.#running.get(key) ?? 0;
      const now = this.now();
      const tokens = this.#failures.tokens(key, now);
      if (tokens - running >= 1) {
        this.#running.set(key, running + 1);
        return 0;
      }
      const waiting = this.#waiting.get(key) ?? 0;
      // Attempts still running hold the tokens that are left: wait for their outcome, unless
      // the budget is spent on failures already (or too many wait).
      if (tokens < 1 || waiting >= this.maxWaiting) return Math.max(1, this.#failures.waitUntil(key, now, running + 1));
      this.#waiting.set(key, waiting + 1);
      await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
      const left = (this.#waiting.get(key) ?? 1) - 1;
      if (left > 0) this.#waiting.set(key, left);
      else this.#waiting.delete(key);
    }
  }

  /** The reserved attempt is over: a failure spends its token, a success gives it back. */
  settle(key: string, failed: boolean): void {
    const running = (this.#running.get(key) ?? 1) - 1;
    if (running > 0) this.#running.set(key, running);
    else this.#running.delete(key);
    if (failed) this.#failures.take(key, this.now());
  }

  /** ms until `key` could make an attempt that is not reserved (0: now). */
  wait(key: string): number {
    return this.#failures.waitUntil(key, this.now(), (this.#running.get(key) ?? 0) + 1);
  }

  /** A failure of an attempt that was not reserved (counted after the fact). */
  failed(key: string): void {
    this.#failures.take(key, this.now());
  }
}

/** Which addresses a username logged in from successfully: they are exempt from its lockout. */
export class KnownAddresses {
  // Map order is least recently confirmed first, which is what eviction drops.
  readonly #known = new Map<string, number>();

  constructor(
    private readonly ttlMs = 30 * 24 * 3600 * 1000,
    private readonly maxEntries = 100_000,
  ) {}

  remember(username: string, ip: string, now: number): void {
    const key = `${username}\n${ip}`;
    this.#known.delete(key);
    this.#known.set(key, now + this.ttlMs);
    if (this.#known.size > this.maxEntries) this.#known.delete(this.#known.keys().next().value!);
  }

  has(username: string, ip: string, now: number): boolean {
    return (this.#known.get(`${username}\n${ip}`) ?? 0) > now;
  }
}
