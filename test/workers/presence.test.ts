// Presence on Workers: each user's Durable Object holds all of that user's sockets, so it alone
// announces the user's online/offline transitions to contacts (`presence` frames) and answers
// GET /v1/presence for its user. The same expectations as test/ws/presence.test.ts on Bun.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { directConversation, register, type TestUser } from "../support/api.ts";
import { TEST_JWT_SECRET } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";
import { startWorkers, type WorkersTarget } from "../support/wrangler.ts";

const presenceOf = (frames: { t: string; user?: string }[], user: string) => frames.filter((f) => f.t === "presence" && f.user === user);

describe("presence [workers]", () => {
  let w: WorkersTarget;
  let a: TestUser, b: TestUser, stranger: TestUser;
  const sockets = new Sockets();
  beforeAll(async () => {
    w = await startWorkers({ vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000" } });
    [a, b, stranger] = await Promise.all([register(w.url), register(w.url), register(w.url)]);
    await directConversation(a, b);
  });
  afterAll(async () => {
    sockets.closeAll();
    await w?.stop();
  });

  test("contacts get online/offline frames, strangers nothing; a second device or a replaced one does not flap", async () => {
    const bWs = await sockets.hello(w.url, b.accessToken, { device: "b" });
    const strangerWs = await sockets.hello(w.url, stranger.accessToken, { device: "s" });

    const a1 = await sockets.hello(w.url, a.accessToken, { device: "a1" });
    const online = await bWs.waitFor((f) => f.t === "presence" && f.user === a.id, { what: "a online" });
    expect(online).toEqual({ t: "presence", user: a.id, status: "online", lastSeen: null });

    const a2 = await sockets.hello(w.url, a.accessToken, { device: "a2", query: { token: a.accessToken } });
    a2.close();
    await a2.closed;
    // the same device again: the old socket is closed (4010) and replaced in one step
    const a1again = await sockets.hello(w.url, a.accessToken, { device: "a1" });
    expect((await a1.closedWithin()).code).toBe(4010);
    await Bun.sleep(200);
    await bWs.barrier();
    expect(presenceOf(bWs.frames, a.id)).toHaveLength(1); // still online all along

    const before = Date.now();
    a1again.close();
    const offline = await bWs.waitFor((f) => f.t === "presence" && f.user === a.id && f.status === "offline", { what: "a offline" });
    expect(offline.lastSeen).toBeGreaterThanOrEqual(before - 1000);
    await strangerWs.barrier();
    expect(presenceOf(strangerWs.frames, a.id)).toHaveLength(0);
  });

  test("GET /v1/presence: contacts and self only, in the order asked", async () => {
    const aWs = await sockets.hello(w.url, a.accessToken, { device: "a3" });
    const res = await b.api.get(`/v1/presence?users=${stranger.id},${a.id},${b.id}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { user: a.id, status: "online", lastSeen: null },
      { user: b.id, status: "online", lastSeen: null },
    ]);
    aWs.close();
    await aWs.closed;
    let item: { status: string; lastSeen: number | null } | undefined;
    for (let i = 0; i < 50 && item?.status !== "offline"; i++) {
      item = (await b.api.get(`/v1/presence?users=${a.id}`)).body.items[0];
      if (item?.status !== "offline") await Bun.sleep(20);
    }
    expect(item?.status).toBe("offline");
    expect(typeof item?.lastSeen).toBe("number");
    expect((await b.api.get("/v1/presence")).status).toBe(400);
  });
});
