// Realtime on the Workers build, beyond the contract suites (test/ws runs against workers under
// `npm run test:workers`): the two ways a socket reaches its user's Durable Object (the Worker as
// a pipe for plain clients, `?token=` handing the upgrade straight to the object), the object's
// alarm-driven hello timeout and heartbeat (with the runtime's automatic ping answers), the
// device rules across both ways in, and restarts of wrangler dev on the same persisted state.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { call, group, register, registerMany, sendText, sleep, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET, tempDataDir } from "../support/target.ts";
import { Sockets, type WsClient } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const VARS = { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000" };
const HB = 1000;

/** Both ways in: through the Worker's pipe, and straight to the user's object with ?token=. */
const ways = (token: string) => ({ piped: {}, direct: { query: { token } } }) as Record<"piped" | "direct", { query?: Record<string, string> }>;

describe("Workers realtime, dedicated configuration", () => {
  let w: WorkersTarget;
  beforeAll(async () => {
    w = await startWorkers({ vars: { ...VARS, HELLO_TIMEOUT_MS: "600", HEARTBEAT_MS: String(HB), MAX_DEVICES_PER_USER: "2" } });
  });
  afterAll(() => w?.stop());

  test("?token=: the socket goes straight to the user's object; msgs, acks and cursors as through the pipe", async () => {
    const [a, b] = (await registerMany(w.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const first = await sendText(a, conv, "before");
    const aWs = await sockets.hello(w.url, a.accessToken, { device: "a", query: { token: a.accessToken } });
    const bWs = await sockets.hello(w.url, b.accessToken, { device: "b", query: { token: b.accessToken }, cursors: { [conv]: 0 } });
    expect((await bWs.waitFor((f) => f.t === "msg")).id).toBe(first.id);
    const ack = await aWs.sendText(conv, "live");
    expect(ack).toMatchObject({ t: "ack", seq: 2 });
    expect(await bWs.waitFor((f) => f.t === "msg")).toMatchObject({ seq: 2, id: ack.id });
    // a plain (piped) device of the same user is in the same object: both receive, no echo to the sender
    const bPiped = await sockets.hello(w.url, b.accessToken, { device: "b2" });
    const third = await sendText(a, conv, "to both ways");
    for (const c of [bWs, bPiped]) expect((await c.waitFor((f) => f.t === "msg" && f.seq === 3)).id).toBe(third.id);
    await aWs.barrier();
    expect(aWs.all((f) => f.t === "msg" && f.seq >= 2)).toHaveLength(1); // seq 3 (HTTP), not its own seq 2
  });

  test("?token= of one user, hello of another → 4001 (a user's object holds only that user's sockets)", async () => {
    const [a, b] = (await registerMany(w.url, 2)) as [TestUser, TestUser];
    const c = await sockets.open(w.url, { query: { token: a.accessToken } });
    c.send({ t: "hello", token: b.accessToken });
    expect((await c.closedWithin()).code).toBe(4001);
    expect(c.all((f) => f.t === "welcome")).toHaveLength(0);
  });

  test("no hello within HELLO_TIMEOUT_MS → 4001, both ways in (frames that are not hello do not count)", async () => {
    const u = await register(w.url);
    for (const [way, opts] of Object.entries(ways(u.accessToken))) {
      const c = await sockets.open(w.url, { ...opts, label: way });
      const started = Date.now();
      // Also what lets wrangler dev deliver the object's close on the ?token= way: a close from a
      // user object on a socket the client never sent a frame on stays stuck in the local runtime.
      c.sendRaw("{not json");
      expect((await c.waitFor((f) => f.t === "error")).code).toBe("invalid_request");
      expect({ way, code: (await c.closedWithin(5000)).code }).toEqual({ way, code: 4001 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    }
  });

  test("heartbeat: silent past 2 × heartbeatMs → closed; {\"t\":\"ping\"} (answered by the runtime) keeps it open", async () => {
    const u = await register(w.url);
    for (const [way, opts] of Object.entries(ways(u.accessToken))) {
      const silent = await sockets.hello(w.url, u.accessToken, { device: `silent-${way}`, ...opts });
      const pinging = await sockets.hello(w.url, u.accessToken, { device: `pinging-${way}`, ...opts });
      const timer = setInterval(() => pinging.open && pinging.send({ t: "ping" }), HB / 3);
      try {
        const closed = await silent.closedWithin(2 * HB + 4000);
        expect({ way, code: closed.code }).toEqual({ way, code: 4000 });
        await sleep(HB);
        expect({ way, open: pinging.open }).toEqual({ way, open: true });
        expect(pinging.all((f) => f.t === "pong").length).toBeGreaterThan(3);
      } finally {
        clearInterval(timer);
        pinging.close();
      }
    }
  });

  test("devices across both ways in: the same device replaces (4010), a third device kicks the quietest (cap 2)", async () => {
    const u = await register(w.url);
    const old = await sockets.hello(w.url, u.accessToken, { device: "phone", label: "old" });
    const fresh = await sockets.hello(w.url, u.accessToken, { device: "phone", label: "new", query: { token: u.accessToken } });
    expect((await old.closedWithin()).code).toBe(4010);
    await sleep(50);
    const laptop = await sockets.hello(w.url, u.accessToken, { device: "laptop" });
    await sleep(50);
    await laptop.barrier(); // heard more recently than the phone
    const tablet = await sockets.hello(w.url, u.accessToken, { device: "tablet", query: { token: u.accessToken } });
    expect((await fresh.closedWithin()).code).toBe(4010);
    for (const c of [laptop, tablet]) {
      await c.barrier();
      expect(c.open).toBe(true);
    }
  });

  test("logout kicks the login's sockets in the user's object, whichever way they came in", async () => {
    const u = await register(w.url);
    const piped = await sockets.hello(w.url, u.accessToken, { device: "p" });
    const direct = await sockets.hello(w.url, u.accessToken, { device: "d", query: { token: u.accessToken } });
    expect((await u.api.post("/v1/auth/logout")).status).toBe(204);
    for (const c of [piped, direct]) expect((await c.closedWithin()).code).toBe(4010);
  });
});

describe("Workers realtime across restarts of wrangler dev (same --persist-to)", () => {
  const data = tempDataDir("parley-workers-restart-");
  let w: WorkersTarget | undefined;
  const start = async () => (w = await startWorkers({ vars: VARS, persistDir: data.dir, timeoutMs: 25_000 }));
  afterAll(async () => {
    await w?.stop();
    data.remove();
  });

  test("resume with cursors gives exactly the missing messages, a clientId keeps its ack, seq continues without gap", async () => {
    await start();
    const [a, b] = (await registerMany(w!.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const aWs = await sockets.hello(w!.url, a.accessToken, { device: "a" });
    const bWs = await sockets.hello(w!.url, b.accessToken, { device: "b" });
    const acks = [];
    for (let i = 1; i <= 5; i++) acks.push(await aWs.sendText(conv, `m${i}`, `c${i}`));
    expect(acks.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
    await bWs.waitForCount((f) => f.t === "msg", 5);
    sockets.closeAll();

    // a restart while a burst of sends is in flight: whatever was acked survives
    const burst = await sockets.hello(w!.url, a.accessToken, { device: "a" });
    const inFlight: Promise<WsClient["frames"][number]>[] = [];
    for (let i = 6; i <= 40; i++) inFlight.push(burst.sendText(conv, `m${i}`, `c${i}`).catch(() => ({ t: "lost" })));
    await sleep(30);
    await w!.stop();
    const answered = await Promise.all(inFlight);
    const acked = answered.filter((f) => f.t === "ack");

    await start();
    // (a new address after each start: not a.api, which is bound to the first one)
    const history = async () =>
      (await call(w!.url, "GET", `/v1/conversations/${conv}/messages?after=0&limit=200`, { token: a.accessToken })).body.items as { seq: number; clientId: string; id: string }[];
    const before = await history();
    expect(before.map((m) => m.seq)).toEqual(before.map((_, i) => i + 1)); // gapless
    for (const ack of acked) expect(before.find((m) => m.seq === ack.seq)?.clientId).toBe(ack.clientId);
    const lastSeq = before.length;

    // b held up to 3: it gets exactly 4..lastSeq, in order, then live ones
    const bAgain = await sockets.hello(w!.url, b.accessToken, { device: "b", cursors: { [conv]: 3 } });
    const aAgain = await sockets.hello(w!.url, a.accessToken, { device: "a" });
    const caught = await bAgain.waitForCount((f) => f.t === "msg", lastSeq - 3);
    expect(caught.map((f) => f.seq)).toEqual(Array.from({ length: lastSeq - 3 }, (_, i) => i + 4));

    // clientIds from before the restart get their original ack; new ones continue the seq
    expect(await aAgain.sendText(conv, "changed body", "c2")).toMatchObject({ t: "ack", seq: 2, id: acks[1]!.id });
    for (let i = 6; i <= 40; i++) await aAgain.sendText(conv, `m${i}`, `c${i}`); // the burst, resent
    const fresh = await aAgain.sendText(conv, "after", "c-after");
    expect(fresh.seq).toBe(41);
    const all = await history();
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(new Set(all.map((m) => m.clientId)).size).toBe(41);
    const live = await bAgain.waitForCount((f) => f.t === "msg", 41 - 3);
    expect(live.map((f) => f.seq)).toEqual(Array.from({ length: 38 }, (_, i) => i + 4));
  });
});
