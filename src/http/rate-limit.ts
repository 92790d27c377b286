// Rate limits of the auth endpoints (register, login, refresh): against password guessing and
// against floods of password hashing. Token buckets, each refilling its limit per minute:
//   - every auth request, per client IP (hashing is expensive);
//   - failed attempts (401, 409), per client IP (guessing many accounts from one place);
//   - failed logins, per username (guessing one account from many places).
// A login reserves its place in both failure budgets before the password is checked and gives it
// back when it succeeds (buckets.ts), so a parallel burst of wrong passwords runs at most the
// limit of checks, while a parallel burst of good logins only waits for its turn. Register and
// refresh check no password: their failures are counted after the answer.
//
// The per-username budget must not become a way to lock someone out: an address from which that
// username logged in, registered or refreshed before is exempt from it (the per-IP limits still
// hold there). Attackers guessing one account from many addresses are throttled; its owner, at
// home or on a device that refreshed from there, is not.
//
// The buckets live in memory: per process on Bun, per isolate on Workers. With several
// processes each enforces its own limits; a shared store would be needed for a global one.
// Written here rather than taken from hono-rate-limiter: that one counts a request on entry
// (so a parallel burst of good requests would be refused under "skip successful requests"),
// and its memory store starts a timer on creation, which Workers forbid at global scope.
import type { Context, MiddlewareHandler } from "hono";
import { ConfigSchema, type Config } from "../config.ts";
import { AppError } from "../core/errors.ts";
import { FailureBudget, KeyedBuckets, KnownAddresses } from "./buckets.ts";
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
  const failures = limits.failuresPerIp > 0 ? new FailureBudget(limits.failuresPerIp, now) : undefined;
  const logins = limits.loginFailuresPerUsername > 0 ? new FailureBudget(limits.loginFailuresPerUsername, now) : undefined;
  const known = new KnownAddresses();

  return async (c, next) => {
    if (c.req.method !== "POST" || (!requests && !failures && !logins)) return next();
    const ip = clientIp(c) ?? "unknown";
    const isLogin = c.req.path.endsWith("/login");
    if (!isLogin) {
      // Failure budgets are only looked at here; a refused request takes no request token.
      const failureWait = failures?.wait(ip) ?? 0;
      if (failureWait > 0) throw limited(failureWait);
    }
    const requestWait = requests?.take(ip, now()) ?? 0;
    if (requestWait > 0) throw limited(requestWait);
    if (!isLogin) {
      await next();
      if (isFailure(c.res.status)) failures?.failed(ip);
      const user = c.get("loggedIn");
      if (user) known.remember(user.username, ip, now());
      return;
    }

    const username = await loginUsername(c);
    const perUser = username !== undefined && !known.has(username, ip, now()) ? logins : undefined;
    const ipWait = (await failures?.reserve(ip)) ?? 0;
    if (ipWait > 0) throw limited(ipWait);
    const userWait = (await perUser?.reserve(username!)) ?? 0;
    if (userWait > 0) {
      failures?.settle(ip, false);
      throw limited(userWait);
    }
    let failed = false;
    try {
      await next();
      failed = c.res.status === 401;
      const user = c.get("loggedIn");
      if (user) known.remember(user.username, ip, now());
    } finally {
      failures?.settle(ip, failed);
      perUser?.settle(username!, failed);
    }
  };
}
