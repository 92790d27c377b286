// PROTOCOL.md "Close codes" 4010 and multi-device delivery: every device of a user receives;
// the same device connecting again replaces the old socket; a device cap kicks the quietest;
// logout and refresh-token reuse close that login's sockets.
import { afterEach, describe, expect, test } from "bun:test";
import { call, group, register, registerMany, sendText, sleep, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget, onBun } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

/** A second, independent login of the same user (its own session id and tokens). */
async function login(base: string, u: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call(base, "POST", "/v1/auth/login", { json: { username: u.username, password: u.password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return res.body;
}

for (const kind of targetKinds()) {
  describe(`ws devices [${kind}]`, () => {
    const server = useTarget(kind);

    test("two devices of one user both receive every message", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const phone = await sockets.hello(server.url, b.accessToken, { device: "phone" });
      const laptop = await sockets.hello(server.url, b.accessToken, { device: "laptop" });
      const m = await sendText(a, conv, "to both");
      for (const d of [phone, laptop]) expect(await d.waitFor((f) => f.t === "msg")).toEqual({ t: "msg", ...m });
    });

    test("the same device id connecting again closes the old socket with 4010; the new one receives", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const old = await sockets.hello(server.url, b.accessToken, { device: "tablet", label: "old" });
      const other = await sockets.hello(server.url, b.accessToken, { device: "phone", label: "other" });
      const fresh = await sockets.hello(server.url, b.accessToken, { device: "tablet", label: "new" });
      expect((await old.closedWithin()).code).toBe(4010);
      const m = await sendText(a, conv, "after the switch");
      expect((await fresh.waitFor((f) => f.t === "msg")).id).toBe(m.id);
      expect((await other.waitFor((f) => f.t === "msg")).id).toBe(m.id);
      expect(other.open).toBe(true);
      // another user's device with the same name is unaffected
      const aTablet = await sockets.hello(server.url, a.accessToken, { device: "tablet" });
      await fresh.barrier();
      expect(fresh.open).toBe(true);
      await aTablet.barrier();
    });

    test("logout closes that login's sockets with 4010, not those of the user's other logins", async () => {
      const u = await register(server.url);
      const second = await login(server.url, u);
      const first1 = await sockets.hello(server.url, u.accessToken, { device: "d1", label: "login1-d1" });
      const first2 = await sockets.hello(server.url, u.accessToken, { device: "d2", label: "login1-d2" });
      const other = await sockets.hello(server.url, second.accessToken, { device: "d3", label: "login2" });

      const res = await u.api.post("/v1/auth/logout");
      expect(res.status).toBeLessThan(300);
      expect((await first1.closedWithin()).code).toBe(4010);
      expect((await first2.closedWithin()).code).toBe(4010);
      await other.barrier();
      expect(other.open).toBe(true);
      // and the revoked token cannot come back
      const again = await sockets.open(server.url);
      again.send({ t: "hello", token: u.accessToken });
      expect((await again.closedWithin()).code).toBe(4001);
    });

    test("logout racing hellos of that login: no socket of the revoked login stays open", async () => {
      for (let round = 0; round < 10; round++) {
        const u = await register(server.url);
        const opened = await Promise.all(Array.from({ length: 12 }, (_, i) => sockets.open(server.url, { label: `race-${round}-${i}` })));
        // the hellos are in flight (authenticating) while the logout commits: some just before
        // the request, the rest one by one while it is on its way
        const half = opened.length / 2;
        for (const [i, c] of opened.slice(0, half).entries()) c.send({ t: "hello", token: u.accessToken, device: `d${i}` });
        const logout = u.api.post("/v1/auth/logout");
        for (const [i, c] of opened.slice(half).entries()) {
          await new Promise((r) => setImmediate(r));
          c.send({ t: "hello", token: u.accessToken, device: `e${i}` });
        }
        const res = await logout;
        expect(res.status).toBeLessThan(300);
        const outcomes = await Promise.all(
          opened.map(async (c) => {
            const closed = await c.closedWithin(3000).catch(() => null);
            return closed ? closed.code : `still open after ${c.all((f) => f.t === "welcome").length ? "welcome" : "no welcome"}`;
          }),
        );
        for (const o of outcomes) expect([4001, 4010]).toContain(o as number);
      }
    });

    test("refresh-token reuse revokes the login: its sockets close with 4010", async () => {
      const u = await register(server.url);
      const bystander = await login(server.url, u);
      const ws = await sockets.hello(server.url, u.accessToken, { device: "d1" });
      const calm = await sockets.hello(server.url, bystander.accessToken, { device: "d2" });

      const rotated = await call(server.url, "POST", "/v1/auth/refresh", { json: { refreshToken: u.refreshToken } });
      expect(rotated.status).toBe(200);
      // rotation alone changes nothing for the live socket
      await ws.barrier();
      expect(ws.open).toBe(true);

      const reused = await call(server.url, "POST", "/v1/auth/refresh", { json: { refreshToken: u.refreshToken } });
      expect(reused.status).toBe(401);
      expect((await ws.closedWithin()).code).toBe(4010);
      await calm.barrier();
      expect(calm.open).toBe(true);
      // the rotated pair of that login is dead too
      const late = await sockets.open(server.url);
      late.send({ t: "hello", token: rotated.body.accessToken });
      expect((await late.closedWithin()).code).toBe(4001);
    });
  });
}

describe.if(onBun)("ws devices, dedicated configuration [bun]", () => {
  const server = useTarget("bun", { MAX_DEVICES_PER_USER: "2" });

  test("MAX_DEVICES_PER_USER: a device beyond the cap kicks the quietest device with 4010", async () => {
    const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const first = await sockets.hello(server.url, b.accessToken, { device: "first", label: "first" });
    const second = await sockets.hello(server.url, b.accessToken, { device: "second", label: "second" });
    // the oldest one speaks up, so the quietest is the second
    await sleep(5);
    await first.barrier();
    const third = await sockets.hello(server.url, b.accessToken, { device: "third", label: "third" });
    expect((await second.closedWithin()).code).toBe(4010);
    const m = await sendText(a, conv, "who is here");
    for (const d of [first, third]) expect((await d.waitFor((f) => f.t === "msg")).id).toBe(m.id);
    expect(first.open && third.open).toBe(true);
    // other users have their own cap
    const aOne = await sockets.hello(server.url, a.accessToken, { device: "x" });
    const aTwo = await sockets.hello(server.url, a.accessToken, { device: "y" });
    await first.barrier();
    await third.barrier();
    await aOne.barrier();
    await aTwo.barrier();
    expect([first, third, aOne, aTwo].every((c) => c.open)).toBe(true);
  });
});
