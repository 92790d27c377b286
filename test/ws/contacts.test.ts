// PROTOCOL.md "Contacts" over the socket: every request and friendship change reaches every
// device of both users as a `contact` frame (a block only the blocker's), a blocked pair's
// direct conversation refuses `send`, and neither of the two hears of the other's presence.
import { afterEach, describe, expect, test } from "bun:test";
import { directConversation, group, registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
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

    test("a blocked pair: `send` in their direct conversation is refused with blocked, in their group it is not", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const direct = await directConversation(a, b);
      const shared = await group(a, [b]);
      await b.api.put(`/v1/blocks/${a.id}`);
      for (const user of [a, b]) {
        const ws = await sockets.hello(server.url, user.accessToken);
        const refused = await ws.sendText(direct, "hello?");
        expect(refused).toMatchObject({ t: "error", code: "blocked" });
        expect((await ws.sendText(shared, "in the group")).t).toBe("ack");
      }
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
