// WebSocket Hibernation under wrangler dev: workerd evicts an idle Durable Object after about
// 10 s and keeps its hibernatable sockets; the next event builds a new object, whose sessions
// come back from the sockets' attachments (user, device, login, stream positions). After such a
// wake-up, everything a session did before still holds.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { call, group, registerMany, sendText, sleep, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

/**
 * Long enough for workerd to evict an idle object: about 10 s of inactivity, checked now and
 * then (a 15 s pause was not always enough in trials, 25 s was).
 */
const IDLE_MS = 25_000;

describe("Workers: user objects hibernate and wake up", () => {
  let w: WorkersTarget;
  beforeAll(async () => {
    // info: the object logs its wake-up, which is how the test knows a hibernation happened
    w = await startWorkers({ vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "info", PBKDF2_ITERATIONS: "1000" } });
  });
  afterAll(() => w?.stop());

  test("after a sleep: msgs continue without gap or echo, device replacement and kicks still work", async () => {
    const [a, b] = (await registerMany(w.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const aWs = await sockets.hello(w.url, a.accessToken, { device: "a1", query: { token: a.accessToken } });
    const piped = await sockets.hello(w.url, b.accessToken, { device: "b1" });
    const direct = await sockets.hello(w.url, b.accessToken, { device: "b2", query: { token: b.accessToken } });
    for (let i = 1; i <= 2; i++) await sendText(a, conv, `before ${i}`);
    for (const c of [piped, direct]) await c.waitForCount((f) => f.t === "msg", 2);

    const woke = () => (w.output().match(/user object woke up with \d+ sockets/g) ?? []).length;
    const wokeBefore = woke();
    await sleep(IDLE_MS);

    // a's object wakes for this frame; its own send must still come back only as an ack
    const ack = await aWs.sendText(conv, "after the sleep");
    expect(ack).toMatchObject({ t: "ack", seq: 3 });
    for (const c of [piped, direct]) {
      const msgs = await c.waitForCount((f) => f.t === "msg", 3);
      expect(msgs.map((f) => f.seq)).toEqual([1, 2, 3]);
    }
    await aWs.barrier();
    expect(aWs.all((f) => f.t === "msg").map((f) => f.seq)).toEqual([1, 2]); // its HTTP sends, not seq 3
    // At least the object the send woke had slept; whether b's object was evicted too depends on
    // workerd's timing under load (in CI it sometimes was not), so it is reported, not required.
    expect(woke()).toBeGreaterThanOrEqual(wokeBefore + 1);
    console.log(`user objects woken after the sleep: ${woke() - wokeBefore} of 2`);

    // the restored sessions still know their device and login
    const replacing = await sockets.hello(w.url, b.accessToken, { device: "b1", label: "b1 again" });
    expect((await piped.closedWithin()).code).toBe(4010);
    await sendText(a, conv, "to the replacement");
    expect((await replacing.waitFor((f) => f.t === "msg")).seq).toBe(4);
    expect((await call(w.url, "POST", "/v1/auth/logout", { token: b.accessToken })).status).toBe(204);
    for (const c of [direct, replacing]) expect((await c.closedWithin()).code).toBe(4010);
  }, 60_000);
});
