// Per-connection limits: the frame rate limit (rate_limited errors, then 4009 for persistent
// abuse) and the slow reader (PROTOCOL.md "Realtime" 4: close with 4008 rather than skip).
// Both need special configuration, so they run on dedicated Bun servers.
import { afterEach, describe, expect, test } from "bun:test";
import { group, registerMany, type TestUser } from "../support/api.ts";
import { useTarget, onBun } from "../support/target.ts";
import { RawWsClient, Sockets, type Frame } from "../support/ws.ts";

const sockets = new Sockets();
const raws = new Set<RawWsClient>();
afterEach(() => {
  sockets.closeAll();
  for (const r of raws) r.destroy();
  raws.clear();
});

describe.if(onBun)("ws rate limit [bun]", () => {
  const RATE = 5;
  const BURST = 5;
  const t = useTarget("bun", { WS_FRAMES_PER_SEC: String(RATE), WS_FRAME_BURST: String(BURST) });

  test("a burst beyond WS_FRAME_BURST gets rate_limited errors (with rids); nothing rejected is stored; it recovers", async () => {
    const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const c = await sockets.hello(t.url, a.accessToken); // hello took one token
    const N = 20;
    for (let i = 0; i < N; i++) c.send({ t: "send", rid: `b${i}`, conv, clientId: `burst-${i}`, body: { type: "text", text: `m${i}` } });
    const answers = await c.waitForCount((f) => typeof f.rid === "string" && f.rid.startsWith("b"), N);
    const acks = answers.filter((f) => f.t === "ack");
    const limited = answers.filter((f) => f.t === "error");
    expect(acks.length + limited.length).toBe(N);
    expect(acks.length).toBeGreaterThanOrEqual(1);
    expect(acks.length).toBeLessThanOrEqual(BURST + 1);
    for (const e of limited) expect(e).toMatchObject({ t: "error", code: "rate_limited", message: expect.any(String) });
    expect(new Set(answers.map((f) => f.rid)).size).toBe(N);
    // only the acknowledged ones exist
    const conversation = await a.api.get(`/v1/conversations/${conv}`);
    expect(conversation.body.lastSeq).toBe(acks.length);

    // a well-behaved pace afterwards is served again
    let pong: Frame | undefined;
    for (let i = 0; i < 20 && !pong; i++) {
      const answer = await c.request({ t: "ping" });
      if (answer.t === "pong") pong = answer;
      else {
        expect(answer.code).toBe("rate_limited");
        await Bun.sleep(1000 / RATE);
      }
    }
    expect(pong).toBeDefined();
    expect(c.open).toBe(true);
  });

  test("persistent abuse closes the socket with 4009", async () => {
    const [a] = (await registerMany(t.url, 1)) as [TestUser];
    const c = await sockets.hello(t.url, a.accessToken);
    for (let i = 0; i < 300 && c.open; i++) c.send({ t: "ping", rid: i });
    expect((await c.closedWithin()).code).toBe(4009);
    expect(c.all((f) => f.t === "error" && f.code === "rate_limited").length).toBeGreaterThan(0);
    // another connection of the same user is not affected
    const d = await sockets.hello(t.url, a.accessToken, { device: "other" });
    expect(await d.request({ t: "ping" })).toMatchObject({ t: "pong" });
  });
});

// 600 messages of 16 KB (~10 MB) for readers that read.
const big = "y".repeat(16_000);
// For one that does not: 400 messages of 16,000 three-byte characters (48 KB each, ~19 MB), far
// more than the kernel's socket buffers hold on loopback (a paused reader was seen to absorb
// up to ~7 MB) plus the server's 64 KiB.
const huge = "€".repeat(16_000);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
/** Runs `fn` over `items` with at most `window` calls in flight at once; results in order. */
async function inWindows<T, R>(items: T[], window: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: window }, worker));
  return results;
}

describe.if(onBun)("ws backpressure [bun]", () => {
  // The smallest send buffer the configuration allows; the default heartbeat (30 s), so nothing
  // here is closed for being idle while this process is busy with 10 MB.
  const t = useTarget("bun", { MAX_BUFFERED_BYTES: String(64 * 1024) });

  test("1,500 sends pipelined on one socket: every ack arrives (a turn's acks beyond 64 KiB are not a slow reader)", async () => {
    const [a, b] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
    const conv = await group(a, [b]);
    const c = await sockets.hello(t.url, a.accessToken);
    const N = 1500; // ~150 bytes of ack each: well over 64 KiB written to the socket in one go
    for (let i = 0; i < N; i++) c.send({ t: "send", rid: `p${i}`, conv, clientId: `pipelined-${i}`, body: { type: "text", text: `m${i}` } });
    const acks = await c.waitForCount((f) => f.t === "ack", N, { timeoutMs: 20_000 });
    expect(new Set(acks.map((f) => f.seq))).toEqual(new Set(range(1, N)));
    expect(c.open).toBe(true);
  });

  test("readers that keep reading get a 10 MB burst and a 10 MB catch-up through a 64 KiB send buffer", async () => {
    const COUNT = 600;
    const [sender, reader] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
    const conv = await group(sender, [reader]);
    const live = await sockets.hello(t.url, reader.accessToken, { device: "live", label: "live" });
    const s = await sockets.hello(t.url, sender.accessToken, { label: "sender" });
    // one burst, 32 sends in flight (what the server answers at once): committed in batches and
    // fanned out far faster than a 64 KiB buffer drains
    const acks = await inWindows(range(1, COUNT), 32, (i) => s.sendText(conv, big, `big-${i}`));
    expect(acks.every((f) => f.t === "ack")).toBe(true);
    await live.waitForCount((f) => f.t === "msg", COUNT, { timeoutMs: 15_000 });
    expect(live.all((f) => f.t === "msg").map((f) => f.seq)).toEqual(range(1, COUNT));

    // resuming the whole backlog from cursor 0 pages 200 messages (3 MB) at a time from the store
    const resumed = await sockets.hello(t.url, reader.accessToken, { device: "resumed", cursors: { [conv]: 0 }, label: "resumed" });
    await resumed.waitForCount((f) => f.t === "msg", COUNT, { timeoutMs: 15_000 });
    expect(resumed.all((f) => f.t === "msg").map((f) => f.seq)).toEqual(range(1, COUNT));
    expect(await resumed.request({ t: "ping" })).toMatchObject({ t: "pong" });
    expect(live.open && resumed.open).toBe(true);
  }, 30_000);
});

describe.if(onBun)("ws slow reader [bun]", () => {
  // A short drain timeout: a socket that takes nothing for that long is too slow.
  const HB = 300;
  const t = useTarget("bun", { MAX_BUFFERED_BYTES: String(64 * 1024), HEARTBEAT_MS: String(HB), DRAIN_TIMEOUT_MS: String(HB) });

  test("a reader that stops reading is closed with 4008; every msg it got before is in order without a gap", async () => {
    const COUNT = 400;
    const [sender, reader] = (await registerMany(t.url, 2)) as [TestUser, TestUser];
    const conv = await group(sender, [reader]);
    const other = await group(sender, [reader], "live meanwhile");
    const s = await sockets.hello(t.url, sender.accessToken, { label: "sender" });
    s.keepAlive(HB / 3);
    // bursts of 25, so this process's event loop is never busy for long (its clients must ping)
    for (let i = 1; i <= COUNT; i += 25) {
      const acks = await Promise.all(range(i, i + 24).map((k) => s.sendText(conv, huge, `huge-${k}`)));
      expect(acks.every((f) => f.t === "ack")).toBe(true);
    }

    // A raw client resumes the backlog and reads nothing more after welcome. It keeps pinging,
    // so it is not closed for being silent.
    const raw = await RawWsClient.connect(t.url);
    raws.add(raw);
    raw.sendText(JSON.stringify({ t: "hello", token: reader.accessToken, cursors: { [conv]: 0 } }));
    expect(await raw.until(() => raw.texts().some((f) => f.t === "welcome"))).toBe(true);
    raw.pause();
    const stalledAt = Date.now();
    const keepAlive = setInterval(() => raw.sendText(JSON.stringify({ t: "ping" })), HB / 3);
    try {
      // live messages of another conversation meanwhile: they wait behind the congested socket
      for (let i = 1; i <= 20; i++) await s.sendText(other, `live ${i}`);
      // The server gives up once the socket took nothing for DRAIN_TIMEOUT_MS (after the kernel's
      // buffers filled up, which takes longer on a busy machine). Only then may the reader read
      // again: earlier, it would simply catch up (as above). Not much later either: a closed
      // socket that is not read for ~2 s more is reset. The sender sees the moment: the reader
      // goes offline.
      await s.waitFor((f) => f.t === "presence" && f.user === reader.id && f.status === "offline", { timeoutMs: 15_000, what: "the reader closed" });
      expect(Date.now() - stalledAt).toBeGreaterThanOrEqual(HB);
    } finally {
      clearInterval(keepAlive);
    }
    raw.resume();
    expect(await raw.until(() => raw.closeCode() !== undefined, 10_000)).toBe(true);
    expect(raw.closeCode()).toBe(4008);
    const got = (cv: string) =>
      raw
        .texts()
        .filter((f) => f.t === "msg" && f.conv === cv)
        .map((f) => f.seq as number);
    expect(got(conv)).toEqual(range(1, got(conv).length));
    expect(got(conv).length).toBeLessThan(COUNT);
    expect(got(other)).toEqual(range(1, got(other).length));

    // the server goes on serving everyone else
    expect(await s.request({ t: "ping" })).toMatchObject({ t: "pong" });
  }, 30_000);
});
