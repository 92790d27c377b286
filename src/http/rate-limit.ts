// Rate limits of the auth endpoints (register, login, refresh): against password guessing and
// against floods of password hashing. Three token buckets, each refilling its limit per minute:
//   - every auth request, per client IP (hashing is expensive);
//   - failed attempts (401, 409), per client IP (guessing many accounts from one place);
//   - failed logins, per username (guessing one account from many places).
// Failures are counted after the answer, and only checked before it, so a burst of parallel
// *successful* registrations (tests, benchmarks) is never refused for failures it has not made.
//
// The buckets live in memory: per process on Bun, per isolate on Workers. With several
// processes each enforces its own limits; a shared store would be needed for a global one.
// Written here rather than taken from hono-rate-limiter: that one counts a request on entry
// (so a parallel burst of good requests would be refused under "skip successful requests"),
// and its memory store starts a timer on creation, which Workers forbid at global scope.
import type { Context, MiddlewareHandler } from "hono";
import { ConfigSchema, type Config } from "../config.ts";
import { AppError } from "../core/errors.ts";
import type { AppEnv } from "./env.ts";

export interface AuthRateLimits {
  /** auth requests per minute per client IP; 0 turns the limit off */
  perIp: number;
  /** failed auth requests (401, 409) per minute per client IP; 0: off */
  failuresPerIp: number;
  /** failed logins per minute per username; 0: off */
  loginFailuresPerUsername: number;
  /** take the client IP from this request header (set by a trusted proxy) instead of the socket */
  ipHeader?: string;
}

const RateConfig = ConfigSchema.pick({
  AUTH_RATE_LIMIT_PER_IP: true,
  AUTH_FAILURE_LIMIT_PER_IP: true,
  LOGIN_FAILURE_LIMIT_PER_USERNAME: true,
  CLIENT_IP_HEADER: true,
});

export const authRateLimitsFrom = (config: Pick<Config, keyof typeof RateConfig.shape>): AuthRateLimits => ({
  perIp: config.AUTH_RATE_LIMIT_PER_IP,
  failuresPerIp: config.AUTH_FAILURE_LIMIT_PER_IP,
  loginFailuresPerUsername: config.LOGIN_FAILURE_LIMIT_PER_USERNAME,
  ipHeader: config.CLIENT_IP_HEADER,
});

/** The defaults of src/config.ts, for an app built without explicit limits. */
export const defaultAuthRateLimits = (): AuthRateLimits => authRateLimitsFrom(RateConfig.parse({}));

/** Finds the client address of a request; undefined when it cannot tell. */
export type ClientIp = (c: Context) => string | undefined;

/** The configured header (set by a trusted proxy) when there is one, else the runtime's peer address. */
export const clientIpOf =
  (ipHeader: string | undefined, peerIp: ClientIp): ClientIp =>
  (c) =>
    ipHeader ? c.req.header(ipHeader)?.split(",")[0]?.trim() || undefined : peerIp(c);

const MINUTE_MS = 60_000;

/** Token buckets by key: `limit` tokens, refilled at `limit` per minute. Time is passed in. */
export class KeyedBuckets {
  // Map order is least recently touched first, which is what eviction drops.
  #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** ms until `key` has a whole token (0: it has one now); takes nothing. */
  wait(key: string, now: number): number {
    const tokens = this.#tokens(key, now);
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * MINUTE_MS) / this.limit);
  }

  /** Takes a token if there is one (0), else takes nothing and returns the wait for one. */
  take(key: string, now: number): number {
    const tokens = this.#tokens(key, now);
    if (tokens < 1) return Math.ceil(((1 - tokens) * MINUTE_MS) / this.limit);
    this.#buckets.delete(key);
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    return 0;
  }

  get size(): number {
    return this.#buckets.size;
  }

  #tokens(key: string, now: number): number {
    const b = this.#buckets.get(key);
    if (!b) return this.limit;
    return Math.min(this.limit, b.tokens + ((now - b.at) * this.limit) / MINUTE_MS);
  }
}

const limited = (waitMs: number) => {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError("rate_limited", `too many attempts; retry in ${retryAfter} s`, { retryAfter });
};

/** Usernames are case-insensitive: so is their bucket. Anything odd is left to validation. */
async function loginUsername(c: Context): Promise<string | undefined> {
  try {
    const body = (await c.req.json()) as { username?: unknown } | null;
    const name = body?.username;
    return typeof name === "string" && name.length <= 64 ? name.toLowerCase() : undefined;
  } catch {
    return undefined; // malformed JSON: the validator answers 400
  }
}

const isFailure = (status: number) => status === 401 || status === 409;

/** Middleware for POST /v1/auth/{register,login,refresh}. */
export function authRateLimit(
  limits: AuthRateLimits,
  /** the peer address as the runtime knows it (each adapter hands its own, like Hono's getConnInfo) */
  peerIp: ClientIp = () => undefined,
  now: () => number = Date.now,
): MiddlewareHandler<AppEnv> {
  const clientIp = clientIpOf(limits.ipHeader, peerIp);
  const requests = limits.perIp > 0 ? new KeyedBuckets(limits.perIp) : undefined;
  const failures = limits.failuresPerIp > 0 ? new KeyedBuckets(limits.failuresPerIp) : undefined;
  const logins = limits.loginFailuresPerUsername > 0 ? new KeyedBuckets(limits.loginFailuresPerUsername) : undefined;

  return async (c, next) => {
    if (c.req.method !== "POST" || (!requests && !failures && !logins)) return next();
    const ip = clientIp(c) ?? "unknown";
    const username = logins && c.req.path.endsWith("/login") ? await loginUsername(c) : undefined;
    const t = now();
    // Failure budgets are only looked at here; a refused request takes no request token.
    const failureWait = Math.max(failures?.wait(ip, t) ?? 0, username === undefined ? 0 : logins!.wait(username, t));
    if (failureWait > 0) throw limited(failureWait);
    const requestWait = requests?.take(ip, t) ?? 0;
    if (requestWait > 0) throw limited(requestWait);

    await next();

    if (!isFailure(c.res.status)) return;
    failures?.take(ip, now());
    if (username !== undefined && c.res.status === 401) logins!.take(username, now());
  };
}
