// PROTOCOL.md "Contacts" over the socket: every request and friendship change reaches every
// device of both users as a `contact` frame (a block only the blocker's), a blocked pair's
// direct conversation refuses `send`, and neither of the two hears of the other's presence.
// With Upstash, two Bun nodes on one database: frames and blocks reach the other node.
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { client, directConversation, expectError, group, registerMany, type TestUser } from "../support/api.ts";
import { startTarget, targetKinds, tempDataDir, useTarget, type Target } from "../support/target.ts";
import { waitFor } from "../support/upstash.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const contactFrames = (ws: WsClient) => ws.all((f) => f.t === "contact");
/** The contact frames each socket got so far (after a barrier: everything sent before it). */
async function contactsSeen(...clients: WsClient[]): Promise<Frame[][]> {
  await Promise.all(clients.map((ws) => ws.barrier()));
  return clients.map(contactFrames);
}

for (const kind of targetKinds()) {
  describe(`ws contacts [${kind}]`, () => {
    const server = useTarget(kind);

    test("request, accept, unfriend, reject, cancel: a `contact` frame on every device of both, nobody else", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const a1 = await sockets.hello(server.url, a.accessToken, { device: "a1" });
      // on Workers: a socket straight to the user's object as well
      const a2 = await sockets.hello(server.url, a.accessToken, { device: "a2", query: { token: a.accessToken } });
      const b1 = await sockets.hello(server.url, b.accessToken, { device: "b1" });
      const c1 = await sockets.hello(server.url, c.accessToken, { device: "c1" });

      const request = (await a.api.post("/v1/friends/requests", { to: b.id, note: "hi" })).body;
      const accepted = (await b.api.post(`/v1/friends/requests/${request.id}/accept`)).body;
      expect((await a.api.delete(`/v1/friends/${b.id}`)).status).toBe(204);
      const second = (await b.api.post("/v1/friends/requests", { to: a.id })).body;
      const rejected = (await a.api.post(`/v1/friends/requests/${second.id}/reject`)).body;
      const third = (await a.api.post("/v1/friends/requests", { to: b.id })).body;
      const cancelled = (await a.api.post(`/v1/friends/requests/${third.id}/cancel`)).body;

      const [onA1, onA2, onB1, onC1] = await contactsSeen(a1, a2, b1, c1);
      const at = expect.any(Number);
      expect(onA1).toEqual([
        { t: "contact", event: "request", by: a.id, user: b.id, at, request },
        { t: "contact", event: "accepted", by: b.id, user: a.id, at, request: accepted },
        { t: "contact", event: "unfriended", by: a.id, user: b.id, at },
        { t: "contact", event: "request", by: b.id, user: a.id, at, request: second },
        { t: "contact", event: "rejected", by: a.id, user: b.id, at, request: rejected },
        { t: "contact", event: "request", by: a.id, user: b.id, at, request: third },
        { t: "contact", event: "cancelled", by: a.id, user: b.id, at, request: cancelled },
      ]);
      expect(onA2).toEqual(onA1);
      expect(onB1).toEqual(onA1);
      expect(onC1).toEqual([]);
      // a repeat changes nothing and tells nobody
      expect((await a.api.post(`/v1/friends/requests/${third.id}/cancel`)).status).toBe(200);
      expect((await contactsSeen(a1, b1)).map((frames) => frames.length)).toEqual([7, 7]);
    });

    test("blocked and unblocked go to the blocker's devices only; the friendship it ends to both", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const request = (await a.api.post("/v1/friends/requests", { to: b.id })).body;
      await b.api.post(`/v1/friends/requests/${request.id}/accept`);
      const a1 = await sockets.hello(server.url, a.accessToken, { device: "a1" });
      const b1 = await sockets.hello(server.url, b.accessToken, { device: "b1" });

      expect((await a.api.put(`/v1/blocks/${b.id}`)).status).toBe(201);
      expect((await a.api.put(`/v1/blocks/${b.id}`)).status).toBe(200); // no news
      expect((await a.api.delete(`/v1/blocks/${b.id}`)).status).toBe(204);
      const [onA, onB] = await contactsSeen(a1, b1);
      const at = expect.any(Number);
      expect(onA).toEqual([
        { t: "contact", event: "blocked", by: a.id, user: b.id, at },
        { t: "contact", event: "unfriended", by: a.id, user: b.id, at },
        { t: "contact", event: "unblocked", by: a.id, user: b.id, at },
      ]);
      expect(onB).toEqual([{ t: "contact", event: "unfriended", by: a.id, user: b.id, at }]);
    });

    test("a blocked pair: `send` and `typing` in their direct conversation are refused with blocked, in their group they are not", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const direct = await directConversation(a, b);
      const shared = await group(a, [b]);
      await b.api.put(`/v1/blocks/${a.id}`);
      const aWs = await sockets.hello(server.url, a.accessToken);
      const bWs = await sockets.hello(server.url, b.accessToken);
      for (const [ws, other] of [[aWs, bWs], [bWs, aWs]] as const) {
        expect(await ws.sendText(direct, "hello?")).toMatchObject({ t: "error", code: "blocked" });
        expect((await ws.sendText(shared, "in the group")).t).toBe("ack");
        expect(await ws.request({ t: "typing", conv: direct })).toMatchObject({ t: "error", code: "blocked" });
        ws.send({ t: "typing", conv: shared });
        await other.waitFor((f) => f.t === "typing" && f.conv === shared, { what: "typing in the group" });
      }
      await Promise.all([aWs.barrier(), bWs.barrier()]);
      for (const ws of [aWs, bWs]) expect(ws.all((f) => f.t === "typing" && f.conv === direct)).toEqual([]);
      expect((await a.api.get(`/v1/conversations/${direct}`)).body.lastSeq).toBe(0);
    });

    test("presence: neither side of a block hears of the other; the rest do", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      await group(a, [b, c]); // all three share a conversation
      await a.api.put(`/v1/blocks/${b.id}`);
      const b1 = await sockets.hello(server.url, b.accessToken, { device: "b1" });
      const c1 = await sockets.hello(server.url, c.accessToken, { device: "c1" });
      await b1.waitFor((f) => f.t === "presence" && f.user === c.id && f.status === "online", { what: "c online" });
      const a1 = await sockets.hello(server.url, a.accessToken, { device: "a1" });
      await c1.waitFor((f) => f.t === "presence" && f.user === a.id && f.status === "online", { what: "a online" });
      await Bun.sleep(200); // announcements to several users travel side by side (Workers): give b's time to arrive
      await b1.barrier();
      b1.close();
      await c1.waitFor((f) => f.t === "presence" && f.user === b.id && f.status === "offline", { what: "b offline" });
      await Bun.sleep(200);
      await a1.barrier();
      expect(a1.all((f) => f.t === "presence" && f.user === b.id)).toEqual([]);
      expect(b1.all((f) => f.t === "presence" && f.user === a.id)).toEqual([]);
    });
  });
}

const upstash = { UPSTASH_REDIS_REST_URL: process.env.UPSTASH_REDIS_REST_URL ?? "", UPSTASH_REDIS_REST_TOKEN: process.env.UPSTASH_REDIS_REST_TOKEN ?? "" };

describe.skipIf(!upstash.UPSTASH_REDIS_REST_URL || !targetKinds().includes("bun"))("contacts on two Bun nodes, one database and one Upstash", () => {
  let node1: Target, node2: Target;
  const data = tempDataDir();
  beforeAll(async () => {
    const env = { ...upstash, DATA_DIR: data.dir };
    node1 = await startTarget("bun", env);
    node2 = await startTarget("bun", env);
  });
  afterAll(async () => {
    sockets.closeAll();
    await node1?.stop();
    await node2?.stop();
    data.remove();
  });

  test("a request made on one node reaches a device on the other; a block made on one node holds on the other within moments", async () => {
    const [a, b] = (await registerMany(node1.url, 2)) as [TestUser, TestUser];
    const bOnNode2 = client(node2.url, b.accessToken);
    const b1 = await sockets.hello(node2.url, b.accessToken, { device: "b1" });
    const request = (await a.api.post("/v1/friends/requests", { to: b.id })).body;
    expect(await b1.waitFor((f) => f.t === "contact", { what: "the request, via the other node" })).toMatchObject({ event: "request", request });

    const direct = await directConversation(a, b);
    const send = () => bOnNode2.post(`/v1/conversations/${direct}/messages`, { clientId: crypto.randomUUID(), body: { type: "text", text: "hi" } });
    expect((await send()).status).toBe(201); // node 2 knows this pair now
    expect((await a.api.put(`/v1/blocks/${b.id}`)).status).toBe(201);
    // node 2 hears of it through the bus, a moment after node 1 answered
    await waitFor(async () => (await send()).status === 403);
    expectError(await send(), 403, "blocked");
    expect((await a.api.delete(`/v1/blocks/${b.id}`)).status).toBe(204);
    await waitFor(async () => (await send()).status === 201);
  });
});
