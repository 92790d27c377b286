// PROTOCOL.md "Realtime" 1 and 8, "Close codes": hello/welcome, the hello timeout, bad tokens
// (4001), a first frame that is not hello (4003), the Origin allowlist on the upgrade, heartbeat
// and ping/pong.
import { afterEach, beforeAll, describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { register, type TestUser } from "../support/api.ts";
import { startTarget, targetKinds, TEST_JWT_SECRET, useTarget, onBun } from "../support/target.ts";
import { rawUpgradeRefused, Sockets, WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

/** A token signed like the server's, with the given claims (expired ones, foreign audiences). */
async function forge(claims: { sub: string; sid: string; iat: number; exp: number; aud?: string }): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer("parley")
    .setAudience(claims.aud ?? "parley")
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const loginIdOf = (token: string): string => JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid;

for (const kind of targetKinds()) {
  describe(`ws connect [${kind}]`, () => {
    const server = useTarget(kind);
    let alice: TestUser;
    beforeAll(async () => {
      alice = await register(server.url);
    });

    test("hello → welcome with the user id and heartbeatMs; the rid is echoed", async () => {
      const c = await sockets.open(server.url);
      c.send({ t: "hello", rid: "h-1", token: alice.accessToken, device: "phone" });
      const welcome = await c.waitFor((f) => f.t === "welcome");
      expect(welcome).toEqual({ t: "welcome", rid: "h-1", user: alice.id, heartbeatMs: expect.any(Number) });
      expect(welcome.heartbeatMs).toBeGreaterThan(0);
      // without device or rid it works too
      const d = await sockets.open(server.url);
      expect(await d.hello(alice.accessToken)).toEqual({ t: "welcome", user: alice.id, heartbeatMs: welcome.heartbeatMs });
    });

    test("a token that is not a valid JWT → close 4001", async () => {
      const c = await sockets.open(server.url);
      c.send({ t: "hello", token: "not-a-token" });
      expect((await c.closedWithin()).code).toBe(4001);
      expect(c.all((f) => f.t === "welcome")).toHaveLength(0);
    });

    test("an expired token, or one for another audience → close 4001", async () => {
      const sid = loginIdOf(alice.accessToken);
      const now = Math.floor(Date.now() / 1000);
      // control: a forged but valid token is accepted, so the rejections below are about exp/aud
      const valid = await forge({ sub: alice.id, sid, iat: now - 10, exp: now + 600 });
      expect((await (await sockets.open(server.url)).hello(valid)).user).toBe(alice.id);

      const expired = await forge({ sub: alice.id, sid, iat: now - 3600, exp: now - 1800 });
      const c = await sockets.open(server.url);
      c.send({ t: "hello", token: expired });
      expect((await c.closedWithin()).code).toBe(4001);

      const foreign = await forge({ sub: alice.id, sid, iat: now - 10, exp: now + 600, aud: "someone-else" });
      const d = await sockets.open(server.url);
      d.send({ t: "hello", token: foreign });
      expect((await d.closedWithin()).code).toBe(4001);
    });

    test("the access token of a login that logged out → close 4001", async () => {
      const bob = await register(server.url);
      expect((await bob.api.post("/v1/auth/logout")).status).toBeLessThan(300);
      const c = await sockets.open(server.url);
      c.send({ t: "hello", token: bob.accessToken });
      expect((await c.closedWithin()).code).toBe(4001);
    });

    test("a valid first frame that is not hello → close 4003", async () => {
      for (const frame of [
        { t: "send", rid: "x", conv: "c", clientId: "k", body: { type: "text", text: "hi" } },
        { t: "sync", rid: "x", conv: "c", after: 0 },
        { t: "ping", rid: "x" },
      ]) {
        const c = await sockets.open(server.url);
        c.send(frame);
        expect({ frame: frame.t, code: (await c.closedWithin()).code }).toEqual({ frame: frame.t, code: 4003 });
        expect(c.all((f) => f.t === "ack" || f.t === "msgs" || f.t === "pong")).toHaveLength(0);
      }
    });

    test("frames pipelined right behind hello are served once it is accepted", async () => {
      const bob = await register(server.url);
      const conv = (await alice.api.post("/v1/conversations", { kind: "group", title: "p", members: [bob.id] })).body.id;
      const c = await sockets.open(server.url);
      c.send({ t: "hello", token: alice.accessToken });
      c.send({ t: "send", rid: "p-send", conv, clientId: "piped", body: { type: "text", text: "right away" } });
      c.send({ t: "sync", rid: "p-sync", conv, after: 0 });
      c.send({ t: "ping", rid: "p-ping" });
      expect((await c.waitFor((f) => f.t === "welcome")).user).toBe(alice.id);
      expect(await c.waitFor((f) => f.rid === "p-send")).toMatchObject({ t: "ack", seq: 1 });
      expect((await c.waitFor((f) => f.rid === "p-sync")).t).toBe("msgs");
      expect(await c.waitFor((f) => f.rid === "p-ping")).toEqual({ t: "pong", rid: "p-ping" });
      // nothing was answered before welcome
      expect(c.frames[0]!.t).toBe("welcome");
    });

    test("a second hello on an authenticated connection → close 4003", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      c.send({ t: "hello", token: alice.accessToken });
      expect((await c.closedWithin()).code).toBe(4003);
    });

    test("ping → pong with the same rid (string or number), and without rid", async () => {
      const c = await sockets.hello(server.url, alice.accessToken);
      expect(await c.request({ t: "ping", rid: "p-1" })).toEqual({ t: "pong", rid: "p-1" });
      expect(await c.request({ t: "ping", rid: 42 })).toEqual({ t: "pong", rid: 42 });
      c.send({ t: "ping" });
      expect(await c.waitFor((f) => f.t === "pong")).toEqual({ t: "pong" });
    });

    test("Origin: a localhost origin and no Origin at all are accepted, a foreign one is refused with 403", async () => {
      // ALLOWED_ORIGINS unset on this server: development mode, any localhost origin
      for (const origin of ["http://localhost:5173", "http://127.0.0.1:8080", undefined]) {
        const c = await sockets.open(server.url, { origin });
        expect((await c.hello(alice.accessToken)).user).toBe(alice.id);
      }
      const res = await rawUpgradeRefused(server.url, { Origin: "https://evil.example" });
      expect(res.status).toBe(403);
      expect(res.headers["content-type"]).toContain("application/json");
      const body = JSON.parse(res.body);
      expect(body.error.code).toBe("forbidden");
      expect(typeof body.error.message).toBe("string");
      expect(body.error.message.length).toBeGreaterThan(0);
      await expect(WsClient.connect(server.url, { origin: "https://evil.example" })).rejects.toThrow();
    });
  });
}

describe.if(onBun)("ws connect, dedicated configuration [bun]", () => {
  test("ALLOWED_ORIGINS: listed origins pass, others (localhost included) get 403 forbidden", async () => {
    const t = await startTarget("bun", { ALLOWED_ORIGINS: "https://app.example, https://other.example" });
    try {
      const u = await register(t.url);
      for (const origin of ["https://app.example", "https://other.example", undefined]) {
        const c = await sockets.open(t.url, { origin });
        expect((await c.hello(u.accessToken)).user).toBe(u.id);
      }
      for (const origin of ["https://evil.example", "http://localhost:3000", "https://app.example.evil.example"]) {
        const res = await rawUpgradeRefused(t.url, { Origin: origin });
        expect({ origin, status: res.status, code: JSON.parse(res.body).error.code }).toEqual({ origin, status: 403, code: "forbidden" });
      }
    } finally {
      sockets.closeAll();
      await t.stop();
    }
  });

  test("no hello within HELLO_TIMEOUT_MS → close 4001; a hello in time is welcome", async () => {
    const t = await startTarget("bun", { HELLO_TIMEOUT_MS: "300" });
    try {
      const u = await register(t.url);
      const silent = await sockets.open(t.url);
      const opened = Date.now();
      const prompt = await sockets.open(t.url);
      await prompt.hello(u.accessToken);
      expect((await silent.closedWithin(4000)).code).toBe(4001);
      expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
      // the prompt one is still open and usable
      await prompt.barrier();
      expect(prompt.open).toBe(true);
    } finally {
      sockets.closeAll();
      await t.stop();
    }
  });

  test("heartbeat: welcome says heartbeatMs; silent past 2 × heartbeatMs → closed, pinging keeps it open", async () => {
    const HB = 200;
    const t = await startTarget("bun", { HEARTBEAT_MS: String(HB) });
    try {
      const u = await register(t.url);
      const silent = await sockets.open(t.url, { label: "silent" });
      const chatty = await sockets.open(t.url, { label: "chatty" });
      expect((await silent.hello(u.accessToken, { device: "silent" })).heartbeatMs).toBe(HB);
      await chatty.hello(u.accessToken, { device: "chatty" });
      const quietSince = Date.now();

      let pings = 0;
      const timer = setInterval(() => {
        if (chatty.open) chatty.send({ t: "ping", rid: `keep-${++pings}` });
      }, HB / 2);
      try {
        const closed = await silent.closedWithin(5000);
        expect(closed.code).toBeGreaterThanOrEqual(4000);
        expect(closed.code).not.toBe(4001);
        expect(Date.now() - quietSince).toBeGreaterThanOrEqual(2 * HB - 50);
        // the pinging one outlives several more heartbeat windows
        const until = Date.now() + 4 * HB;
        while (Date.now() < until) {
          await chatty.waitFor((f) => f.t === "pong");
          expect(chatty.open).toBe(true);
        }
      } finally {
        clearInterval(timer);
      }
      expect(chatty.closeInfo).toBeNull();
    } finally {
      sockets.closeAll();
      await t.stop();
    }
  });
});
