// Presence: contacts (users sharing a conversation) hear of online/offline transitions as
// `presence` frames, and can ask GET /v1/presence; nobody else learns anything. Against each
// target (on Workers: presence kept by the users' objects). With Upstash configured, two Bun
// nodes on one database share presence through Redis (Workers with Bun: test/workers).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { client, directConversation, register, type TestUser } from "../support/api.ts";
import { startTarget, targetKinds, tempDataDir, type Target } from "../support/target.ts";
import { Sockets } from "../support/ws.ts";

const presenceOf = (frames: { t: string; user?: string }[], user: string) => frames.filter((f) => f.t === "presence" && f.user === user);

for (const kind of targetKinds()) {
  describe(`presence [${kind}]`, () => {
    let target: Target;
    let a: TestUser, b: TestUser, stranger: TestUser;
    const sockets = new Sockets();
    beforeAll(async () => {
      target = await startTarget(kind);
      [a, b, stranger] = await Promise.all([register(target.url), register(target.url), register(target.url)]);
      await directConversation(a, b);
    });
    afterAll(async () => {
      sockets.closeAll();
      await target?.stop();
    });

    test("contacts get online/offline frames, strangers nothing; a second device or a replaced one does not flap", async () => {
      const bWs = await sockets.hello(target.url, b.accessToken, { device: "b" });
      const strangerWs = await sockets.hello(target.url, stranger.accessToken, { device: "s" });

      const a1 = await sockets.hello(target.url, a.accessToken, { device: "a1" });
      const online = await bWs.waitFor((f) => f.t === "presence" && f.user === a.id, { what: "a online" });
      expect(online).toEqual({ t: "presence", user: a.id, status: "online", lastSeen: null });

      // a second device (on Workers: straight to the user's object, ?token=) comes and goes
      const a2 = await sockets.hello(target.url, a.accessToken, { device: "a2", query: { token: a.accessToken } });
      a2.close();
      await a2.closed;
      // the same device again: the old socket is closed (4010) and replaced in one step
      const a1again = await sockets.hello(target.url, a.accessToken, { device: "a1" });
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
      const aWs = await sockets.hello(target.url, a.accessToken, { device: "a3" });
      const res = await b.api.get(`/v1/presence?users=${stranger.id},${a.id},${b.id}`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        { user: a.id, status: "online", lastSeen: null },
        { user: b.id, status: "online", lastSeen: null },
      ]);
      aWs.close();
      await aWs.closed;
      // the disconnect is recorded asynchronously: poll briefly for the transition
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
}

const upstash = { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? "", UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? "" };

describe.skipIf(!upstash.UPSTASH_REDIS_REST_URL || !targetKinds().includes("bun"))("two Bun nodes on one database and one Upstash", () => {
  let node1: Target, node2: Target;
  let a: TestUser, b: TestUser, conv: string;
  const data = tempDataDir();
  const sockets = new Sockets();
  beforeAll(async () => {
    const env = { ...upstash, DATA_DIR: data.dir };
    node1 = await startTarget("bun", env);
    node2 = await startTarget("bun", env);
    [a, b] = await Promise.all([register(node1.url), register(node1.url)]);
    conv = await directConversation(a, b);
  });
  afterAll(async () => {
    sockets.closeAll();
    await node1?.stop();
    await node2?.stop();
    data.remove();
  });

  test("a user coming online on one node is announced to a contact on the other", async () => {
    const bWs = await sockets.hello(node1.url, b.accessToken, { device: "b1" });
    const aWs = await sockets.hello(node2.url, a.accessToken, { device: "a1" });
    await bWs.waitFor((f) => f.t === "presence" && f.user === a.id && f.status === "online", { what: "a online via node 2" });
    const seenFromNode1 = await b.api.get(`/v1/presence?users=${a.id}`);
    expect(seenFromNode1.body.items[0].status).toBe("online");
    aWs.close();
    await bWs.waitFor((f) => f.t === "presence" && f.user === a.id && f.status === "offline", { what: "a offline via node 2" });
  });

  test("messages committed on one node reach sockets on the other, in order, without gaps", async () => {
    const bWs = await sockets.hello(node2.url, b.accessToken, { device: "b2" });
    const aWs = await sockets.hello(node1.url, a.accessToken, { device: "a2" });
    // alternate nodes: WebSocket sends on node 1, HTTP sends on node 2 (where b's socket is)
    const aOnNode2 = client(node2.url, a.accessToken);
    for (let i = 1; i <= 20; i++) {
      if (i % 2) await aWs.sendText(conv, `m${i}`);
      else await aOnNode2.post(`/v1/conversations/${conv}/messages`, { clientId: `h${i}`, body: { type: "text", text: `m${i}` } });
    }
    const got = await bWs.waitForCount((f) => f.t === "msg" && f.conv === conv, 20, { what: "20 msgs on node 2" });
    expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test("a cursor behind the conversation resumes after it on either node (hello's positions do not override it)", async () => {
    for (const url of [node1.url, node2.url]) {
      const resumed = await sockets.hello(url, b.accessToken, { device: `b-resume-${url}`, cursors: { [conv]: 5 } });
      const got = await resumed.waitForCount((f) => f.t === "msg" && f.conv === conv, 15, { what: "the 15 msgs after the cursor" });
      expect(got.map((f) => f.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
    }
  });
});
