// `rate_limited` (429 with Retry-After) on the auth endpoints: per client IP and, for login, per
// username. The defaults are checked against every target; the configuration knobs (env vars)
// on a real `main.ts` process; the token buckets themselves with a fake clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FailureBudget, KeyedBuckets } from "../../src/http/buckets.ts";
import { call, expectError, register, uniqueName, type Res } from "../support/api.ts";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { targetKinds, tempDataDir, useTarget, onBun } from "../support/target.ts";

function expectLimited(res: Res, maxSeconds = 60) {
  expectError(res, 429, "rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

const login = (base: string, username: string, password: string, headers: Record<string, string> = {}) =>
  call(base, "POST", "/v1/auth/login", { json: { username, password }, headers });

for (const kind of targetKinds()) {
  describe(`auth rate limits, defaults [${kind}]`, () => {
    // Each test acts from addresses of its own, given through CLIENT_IP_HEADER.
    const t = useTarget(kind, { CLIENT_IP_HEADER: "x-test-ip" });
    const from = (ip: string) => ({ "x-test-ip": ip });
    const registerFrom = async (ip: string) => {
      const username = uniqueName("victim");
      const res = await call(t.url, "POST", "/v1/auth/register", { json: { username, password: "password1" }, headers: from(ip) });
      expect(res.status).toBe(201);
      return { username, password: "password1", token: res.body.accessToken as string };
    };

    test("10 failed logins for a username from strangers: the next stranger is refused, even with the right password; the owner's own address is not", async () => {
      const victim = await registerFrom("10.9.0.1");
      for (let i = 0; i < 10; i++) expectError(await login(t.url, victim.username, `guess-${i}-xx`, from(`10.9.1.${i}`)), 401, "invalid_credentials");
      expectLimited(await login(t.url, victim.username, "guess-11-xx", from("10.9.2.1")));
      expectLimited(await login(t.url, victim.username.toUpperCase(), victim.password, from("10.9.2.2")));
      // the address it registered from is not locked out
      expect((await login(t.url, victim.username, victim.password, from("10.9.0.1"))).status).toBe(200);
      // other accounts, and the victim's existing logins, are unaffected
      const other = await register(t.url);
      expect((await login(t.url, other.username, other.password)).status).toBe(200);
      expect((await call(t.url, "GET", "/v1/me", { token: victim.token })).status).toBe(200);
    });

    test("200 parallel wrong passwords for one username from one address: at most 10 password checks (401), the rest 429", async () => {
      const victim = await registerFrom("10.9.3.1");
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => login(t.url, victim.username, `wrong-${i}-pw`, from("10.9.3.2"))));
      const checked = results.filter((r) => r.status === 401).length;
      expect(checked).toBeGreaterThanOrEqual(1);
      expect(checked).toBeLessThanOrEqual(10);
      for (const r of results.filter((r) => r.status !== 401)) expectLimited(r);
      // a second wave seconds later runs no more checks than the refill allows (10 a minute: at most one)
      await Bun.sleep(1500);
      const second = await Promise.all(Array.from({ length: 100 }, (_, i) => login(t.url, victim.username, `again-${i}-pw`, from("10.9.3.3"))));
      expect(second.filter((r) => r.status === 401).length).toBeLessThanOrEqual(1);
      // and the owner, from its own address, still logs in
      expect((await login(t.url, victim.username, victim.password, from("10.9.3.1"))).status).toBe(200);
    });

    test("a parallel burst of 150 registrations and their logins is not throttled", async () => {
      const names = Array.from({ length: 150 }, () => uniqueName("burst"));
      const regs = await Promise.all(names.map((username) => call(t.url, "POST", "/v1/auth/register", { json: { username, password: "password1" }, headers: from("10.9.4.1") })));
      expect(regs.filter((r) => r.status !== 201).map((r) => r.status)).toEqual([]);
      // from another address, which none of them used: each login waits for its turn, none is refused
      const logins = await Promise.all(names.map((username) => login(t.url, username, "password1", from("10.9.4.2"))));
      expect(logins.filter((r) => r.status !== 200).map((r) => r.status)).toEqual([]);
    });
  });

  describe(`auth rate limits, failures per IP [${kind}]`, () => {
    const t = useTarget(kind);

    test("60 failed attempts from one address: then every auth request is refused for a while", async () => {
      const user = await register(t.url);
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => login(t.url, uniqueName(`nobody${i}`), "whatever1")));
      for (const r of results) expectError(r, 401, "invalid_credentials");
      expectLimited(await login(t.url, user.username, user.password));
      expectLimited(await call(t.url, "POST", "/v1/auth/register", { json: { username: uniqueName(), password: "password1" } }));
      expectLimited(await call(t.url, "POST", "/v1/auth/refresh", { json: { refreshToken: user.refreshToken } }));
      // the rest of the API is not an auth endpoint
      expect((await user.api.get("/v1/me")).status).toBe(200);
    });
  });
}

describe.if(onBun)("auth rate limits, configured through the environment [bun, main.ts]", () => {
  const data = tempDataDir("parley-rate-");
  const noLimits = tempDataDir("parley-norate-");
  let limited: ServerProcess;
  let unlimited: ServerProcess;
  // Each test acts from its own address, given through CLIENT_IP_HEADER.
  const from = (ip: string) => ({ "x-test-ip": ip });

  beforeAll(async () => {
    [limited, unlimited] = await Promise.all([
      spawnServer(data.dir, {
        AUTH_RATE_LIMIT_PER_IP: "5",
        AUTH_FAILURE_LIMIT_PER_IP: "3",
        LOGIN_FAILURE_LIMIT_PER_USERNAME: "2",
        CLIENT_IP_HEADER: "x-test-ip",
      }),
      spawnServer(noLimits.dir, { AUTH_RATE_LIMIT_PER_IP: "0", AUTH_FAILURE_LIMIT_PER_IP: "0", LOGIN_FAILURE_LIMIT_PER_USERNAME: "0" }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([limited?.stop(), unlimited?.stop()]);
    data.remove();
    noLimits.remove();
  });

  const registerFrom = (base: string, ip: string, username = uniqueName()) =>
    call(base, "POST", "/v1/auth/register", { json: { username, password: "password1" }, headers: from(ip) });

  test("AUTH_RATE_LIMIT_PER_IP: the 6th auth request of an address in a minute gets 429 with Retry-After", async () => {
    const ok = await Promise.all(Array.from({ length: 5 }, () => registerFrom(limited.url, "10.0.0.1")));
    expect(ok.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const refused = await registerFrom(limited.url, "10.0.0.1");
    expectLimited(refused, 12);
    // refresh and login count against the same budget
    expectLimited(await call(limited.url, "POST", "/v1/auth/refresh", { json: { refreshToken: ok[0]!.body.refreshToken }, headers: from("10.0.0.1") }), 12);
    // another address has its own budget; other routes have none
    expect((await registerFrom(limited.url, "10.0.0.2")).status).toBe(201);
    expect((await call(limited.url, "GET", "/v1/me", { token: ok[0]!.body.accessToken, headers: from("10.0.0.1") })).status).toBe(200);
  });

  test("AUTH_FAILURE_LIMIT_PER_IP: after 3 failures an address is refused, successes never count", async () => {
    const ip = "10.0.1.1";
    const u = await registerFrom(limited.url, ip);
    expect(u.status).toBe(201);
    const user = { username: u.body.user.username, password: "password1" };
    expect((await login(limited.url, user.username, user.password, from(ip))).status).toBe(200);
    expectError(await registerFrom(limited.url, ip, user.username), 409, "username_taken");
    expectError(await login(limited.url, uniqueName("ghost"), "password1", from(ip)), 401, "invalid_credentials");
    expectError(await call(limited.url, "POST", "/v1/auth/refresh", { json: { refreshToken: "nope" }, headers: from(ip) }), 401, "unauthorized");
    expectLimited(await login(limited.url, user.username, user.password, from(ip)));
  });

  test("LOGIN_FAILURE_LIMIT_PER_USERNAME: counted across addresses, case-insensitively", async () => {
    const u = await registerFrom(limited.url, "10.0.2.1");
    const name = u.body.user.username as string;
    expectError(await login(limited.url, name, "wrong-one", from("10.0.2.2")), 401, "invalid_credentials");
    expectError(await login(limited.url, name.toUpperCase(), "wrong-two", from("10.0.2.3")), 401, "invalid_credentials");
    expectLimited(await login(limited.url, name, "password1", from("10.0.2.4")));
    // an invalid body is still just a 400, not counted against anyone
    expectError(await call(limited.url, "POST", "/v1/auth/login", { raw: "{oops", headers: from("10.0.2.5") }), 400, "invalid_request");
  });

  test("0 turns the limits off", async () => {
    const user = await register(unlimited.url);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => login(unlimited.url, user.username, `wrong-${i}-pw`)));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([401]));
    expect((await login(unlimited.url, user.username, user.password)).status).toBe(200);
  });
});

describe.if(onBun)("KeyedBuckets", () => {
  test("a full bucket of `limit`, refilled at `limit` per minute; a refusal takes nothing", () => {
    const b = new KeyedBuckets(6);
    const t0 = 1_000_000;
    for (let i = 0; i < 6; i++) expect(b.take("k", t0)).toBe(0);
    expect(b.take("k", t0)).toBe(10_000); // one token per 10 s
    expect(b.wait("k", t0 + 4_000)).toBe(6_000);
    expect(b.take("k", t0 + 4_000)).toBe(6_000); // refused: still 6 s, not reset to 10
    expect(b.take("k", t0 + 10_000)).toBe(0);
    expect(b.take("k", t0 + 10_000)).toBeGreaterThan(0);
    // other keys are independent, and a long pause refills to the limit, not beyond
    expect(b.take("other", t0)).toBe(0);
    for (let i = 0; i < 6; i++) expect(b.take("k", t0 + 3_600_000)).toBe(0);
    expect(b.take("k", t0 + 3_600_000)).toBeGreaterThan(0);
  });

  test("holds at most maxKeys keys, dropping the least recently used", () => {
    const b = new KeyedBuckets(1, 3);
    for (const k of ["a", "b", "c"]) b.take(k, 0);
    b.take("a", 0); // refused: takes nothing, so `a` stays the least recently used
    b.take("d", 0);
    expect(b.size).toBe(3);
    expect(b.wait("a", 0)).toBe(0); // `a` was the oldest entry and was dropped
    expect(b.wait("d", 0)).toBeGreaterThan(0);
  });
});

describe.if(onBun)("FailureBudget", () => {
  const settled = <T>(p: Promise<T>) => Promise.race([p.then((v) => ({ v })), Bun.sleep(5).then(() => "pending" as const)]);

  test("parallel attempts reserve the budget: past it they wait; failures refuse the waiters, successes let them in", async () => {
    const t = 1_000_000;
    const budget = new FailureBudget(3, () => t);
    const first = await Promise.all([budget.reserve("k"), budget.reserve("k"), budget.reserve("k")]);
    expect(first).toEqual([0, 0, 0]);
    const fourth = budget.reserve("k");
    const fifth = budget.reserve("k");
    expect(await settled(fourth)).toBe("pending");
    budget.settle("k", false); // a success gives its token back: one waiter goes on
    expect(await settled(fourth)).toEqual({ v: 0 });
    expect(await settled(fifth)).toBe("pending");
    budget.settle("k", true);
    budget.settle("k", true);
    budget.settle("k", true); // three failures: the budget is spent
    const refused = await settled(fifth);
    expect(refused).not.toBe("pending");
    expect((refused as { v: number }).v).toBe(20_000); // one token per 20 s
    expect(await budget.reserve("other")).toBe(0); // keys are independent
  });
});
