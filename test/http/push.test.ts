// Push notifications (docs/protocol.md "Push notifications"), on both runtimes: a local push
// service (test/support/push-receiver.ts) checks every request's VAPID signature and decrypts its
// payload with the device's own key. A member with no socket gets one notification per
// conversation until they read it, with the sender's name and a preview; nothing while a socket
// is open; a read elsewhere clears it; a gone subscription (410) is deleted; bad input stores nothing.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { createBot } from "../support/bots.ts";
import { call, directConversation, expectError, group, register, sendText, sleep, type TestUser } from "../support/api.ts";
import { pushReceiver } from "../support/push-receiver.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { generateVapidKeys } from "../../src/push/vapid.ts";
import { metric, scrape } from "../../bench/lib/metrics.ts";
import { statSync } from "node:fs";
import { join } from "node:path";
import { startServer } from "../../src/adapter/bun/server.ts";
import { loadConfig } from "../../src/config.ts";
import { FAST_ARGON2, onBun, tempDataDir, TEST_JWT_SECRET } from "../support/target.ts";

const keys = await generateVapidKeys();
const sockets = new Sockets();
afterEach(() => sockets.closeAll());

for (const kind of targetKinds()) {
  describe(`push notifications [${kind}]`, () => {
    const t = useTarget(kind, {
      PUSH_ALLOW_LOCALHOST: "1",
      MAX_PUSH_SUBSCRIPTIONS_PER_USER: "3",
      VAPID_PUBLIC_KEY: keys.publicKey,
      VAPID_PRIVATE_KEY: keys.privateKey,
      VAPID_SUBJECT: "mailto:ops@parley.test",
    });
    const push = pushReceiver();
    push.expectKey(keys.publicKey);
    afterAll(() => push.stop());

    async function subscribed(user: TestUser) {
      const device = push.device();
      const res = await user.api.post("/v1/push/subscriptions", device.subscription);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ endpoint: device.subscription.endpoint });
      return device;
    }

    test("GET /v1/push/vapid-key gives the key pushes are signed with", async () => {
      const u = await register(t.url);
      const res = await u.api.get("/v1/push/vapid-key");
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ publicKey: keys.publicKey });
      expectError(await call(t.url, "GET", "/v1/push/vapid-key"), 401, "unauthorized");
    });

    test("an offline member gets one push per conversation until read, with sender and preview; a read elsewhere clears it", async () => {
      const alice = await register(t.url, { displayName: "Alice Sender" });
      const bob = await register(t.url);
      const carol = await register(t.url, { displayName: "Carol" });
      const phone = await subscribed(bob);
      const direct = await directConversation(alice, bob);
      const team = await group(carol, [bob], "The team");

      const first = await sendText(alice, direct, "are you there? <img src=x onerror=alert(1)>");
      await push.until(() => push.of(phone.name).length >= 1, "the first push");
      expect(push.of(phone.name)[0]!.payload).toEqual({
        t: "entry",
        conv: direct,
        seq: first.seq,
        sender: { id: alice.id, name: "Alice Sender" },
        title: null,
        preview: "are you there? <img src=x onerror=alert(1)>",
      });
      // more in the same conversation: nothing until read; another conversation: its own push
      await sendText(alice, direct, "hello??");
      await sendText(carol, team, "x".repeat(500));
      await push.until(() => push.of(phone.name).length >= 2, "the group's push");
      const second = push.of(phone.name)[1]!.payload;
      expect(second).toMatchObject({ t: "entry", conv: team, sender: { id: carol.id, name: "Carol" }, title: "The team" });
      expect(second.preview.length).toBeLessThanOrEqual(140);
      // read on another device (over HTTP): the notification of that conversation is cleared
      expect((await bob.api.post(`/v1/conversations/${direct}/read`, { seq: first.seq + 1 })).status).toBe(200);
      await push.until(() => push.of(phone.name).length >= 3, "the clearing push");
      expect(push.of(phone.name)[2]!.payload).toEqual({ t: "clear", conv: direct });
      expect(push.of(phone.name)[2]!.headers.get("urgency")).toBe("low");
      // reading again clears nothing more; the next entry notifies again
      expect((await bob.api.post(`/v1/conversations/${direct}/read`, { seq: first.seq + 1 })).status).toBe(200);
      await sendText(alice, direct, "third time");
      await push.until(() => push.of(phone.name).length >= 4, "a push after the read");
      expect(push.of(phone.name)[3]!.payload).toMatchObject({ t: "entry", conv: direct, preview: "third time" });
      // the sender's own entries never notify the sender
      await sleep(300);
      expect(push.of(phone.name).map((p) => p.payload.t)).toEqual(["entry", "entry", "clear", "entry"]);
      expect(push.problems).toEqual([]);
    });

    test("nothing is pushed while the member has a socket open", async () => {
      const alice = await register(t.url);
      const bob = await register(t.url);
      const laptop = await subscribed(bob);
      const one = await directConversation(alice, bob);
      const other = await group(alice, [bob], "later");
      const ws = await sockets.hello(t.url, bob.accessToken, { device: "laptop" });
      const seen = await sendText(alice, one, "seen live");
      await ws.waitFor((f) => f.t === "msg" && f.id === seen.id);
      ws.close();
      await ws.closedWithin();
      // once the socket is gone, the next entry (of another conversation) is pushed; the one seen live never was
      await sleep(300);
      await sendText(alice, other, "after the socket");
      await push.until(() => push.of(laptop.name).length >= 1, "the push after the socket closed");
      await sleep(300);
      expect(push.of(laptop.name).map((p) => [p.payload.conv, p.payload.preview])).toEqual([[other, "after the socket"]]);
    });

    test("nothing is pushed for a conversation the member muted; unmuted, it notifies again", async () => {
      const alice = await register(t.url);
      const bob = await register(t.url);
      const tablet = await subscribed(bob);
      const quiet = await directConversation(alice, bob);
      const other = await group(alice, [bob], "not muted");
      const muted = await bob.api.patch(`/v1/conversations/${quiet}/settings`, { mutedUntil: Date.now() + 3_600_000 });
      expect(muted.status).toBe(200);
      await sendText(alice, quiet, "shh");
      await sendText(alice, other, "loud");
      await push.until(() => push.of(tablet.name).length >= 1, "the unmuted conversation's push");
      await sleep(300);
      expect(push.of(tablet.name).map((p) => p.payload.conv)).toEqual([other]);
      expect((await bob.api.patch(`/v1/conversations/${quiet}/settings`, { mutedUntil: null })).status).toBe(200);
      await sendText(alice, quiet, "now you hear me");
      await push.until(() => push.of(tablet.name).length >= 2, "the push after unmuting");
      expect(push.of(tablet.name)[1]!.payload).toMatchObject({ conv: quiet, preview: "now you hear me" });
    });

    test("a subscription the push service calls gone (410) is deleted; others still get theirs", async () => {
      const counted = async (result: string) => (kind === "bun" ? metric(await scrape(t.url), "parley_push_deliveries_total", { result }) : 0);
      const goneBefore = await counted("gone");
      const alice = await register(t.url);
      const bob = await register(t.url);
      const gone = await subscribed(bob);
      const kept = await subscribed(bob);
      push.answer(gone.name, 410);
      await sendText(alice, await directConversation(alice, bob), "one of two");
      await push.until(() => push.of(gone.name).length >= 1 && push.of(kept.name).length >= 1, "both devices' pushes");
      // the next entry (another conversation) reaches only the device that is left
      await sleep(500);
      const carol = await register(t.url);
      await sendText(carol, await directConversation(carol, bob), "after the 410");
      await push.until(() => push.of(kept.name).length >= 2, "the kept device's second push");
      await sleep(300);
      expect(push.of(gone.name).length).toBe(1);
      const removed = await bob.api.delete("/v1/push/subscriptions", { endpoint: gone.subscription.endpoint });
      expectError(removed, 404, "not_found");
      if (kind === "bun") expect(await counted("gone")).toBe(goneBefore + 1);
      expect((await bob.api.delete("/v1/push/subscriptions", { endpoint: kept.subscription.endpoint })).status).toBe(204);
    });

    test("subscriptions per user are capped: the oldest is replaced; subscribing again updates", async () => {
      const u = await register(t.url);
      const devices = [await subscribed(u), await subscribed(u), await subscribed(u), await subscribed(u)];
      const again = await u.api.post("/v1/push/subscriptions", devices[3]!.subscription);
      expect(again.status).toBe(200);
      expectError(await u.api.delete("/v1/push/subscriptions", { endpoint: devices[0]!.subscription.endpoint }), 404, "not_found");
      for (const d of devices.slice(1)) expect((await u.api.delete("/v1/push/subscriptions", { endpoint: d.subscription.endpoint })).status).toBe(204);
    });

    test("bad subscriptions are refused with invalid_request; bots may not subscribe", async () => {
      const u = await register(t.url);
      const good = push.device().subscription;
      const bad = [
        { ...good, endpoint: "http://push.example.com/x" }, // not https
        { ...good, endpoint: "https://10.0.0.8/x" }, // private
        { ...good, endpoint: "https://169.254.169.254/latest" }, // metadata
        { ...good, endpoint: "https://metadata.google.internal/x" }, // a local name
        { ...good, endpoint: "https://user:pw@push.example.com/x" }, // credentials
        { ...good, endpoint: "not a url" },
        { ...good, endpoint: `https://push.example.com/${"a".repeat(1100)}` },
        { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(2) } },
        { ...good, keys: { ...good.keys, auth: "not base64url!" } },
        { endpoint: good.endpoint },
      ];
      for (const body of bad) expectError(await u.api.post("/v1/push/subscriptions", body), 400, "invalid_request");
      expectError(await u.api.delete("/v1/push/subscriptions", { endpoint: good.endpoint }), 404, "not_found");
      expectError(await u.api.delete("/v1/push/subscriptions", {}), 400, "invalid_request");
      const bot = await createBot(u, { scopes: ["read", "send", "manage"] });
      expectError(await bot.api.post("/v1/push/subscriptions", good), 403, "forbidden");
      expectError(await bot.api.get("/v1/push/vapid-key"), 403, "forbidden");
    });
  });
}

describe.if(onBun)("VAPID keys on Bun", () => {
  test("without VAPID_* settings a pair is generated into DATA_DIR (0600) on first start and kept across restarts", async () => {
    const data = tempDataDir();
    const start = () => startServer(loadConfig({ PORT: "0", DATA_DIR: data.dir, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", ...FAST_ARGON2 }));
    try {
      const keyOf = async (url: string) => (await register(url)).api.get("/v1/push/vapid-key").then((r) => r.body.publicKey as string);
      const first = await start();
      const key = await keyOf(first.url);
      await first.stop();
      expect(statSync(join(data.dir, "vapid.json")).mode & 0o777).toBe(0o600);
      const second = await start();
      expect(await keyOf(second.url)).toBe(key);
      await second.stop();
      expect(key).toMatch(/^B[A-Za-z0-9_-]{86}$/); // 65 bytes, 0x04 first
    } finally {
      data.remove();
    }
  });
});
