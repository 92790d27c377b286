// PROTOCOL.md "Realtime" 5–7: sync → msgs paging; recv/read receipts (cumulative, never back,
// to other members and the reader's other devices but not the reading connection) and what
// GET /v1/conversations and /receipts then say; typing relayed to the others, rate-limited.
import { afterEach, describe, expect, test } from "bun:test";
import { group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const seqs = (frames: Frame[]) => frames.map((f) => f.seq as number);
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

for (const kind of targetKinds()) {
  describe(`ws sync, receipts, typing [${kind}]`, () => {
    const server = useTarget(kind);

    test("sync → msgs: after/limit/hasMore paging, the same items as HTTP history", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      for (let i = 1; i <= 5; i++) await sendText(a, conv, `m${i}`);
      const bWs = await sockets.hello(server.url, b.accessToken);

      const p1 = await bWs.request({ t: "sync", rid: "y1", conv, after: 0, limit: 2 });
      expect(Object.keys(p1).sort()).toEqual(["conv", "hasMore", "items", "rid", "t"]);
      expect(p1).toMatchObject({ t: "msgs", rid: "y1", conv, hasMore: true });
      expect(seqs(p1.items)).toEqual([1, 2]);
      const http = await b.api.get(`/v1/conversations/${conv}/messages?after=0&limit=2`);
      expect(p1.items).toEqual(http.body.items);

      const p2 = await bWs.request({ t: "sync", conv, after: 2, limit: 2 });
      expect([seqs(p2.items), p2.hasMore]).toEqual([[3, 4], true]);
      const p3 = await bWs.request({ t: "sync", conv, after: 4, limit: 2 });
      expect([seqs(p3.items), p3.hasMore]).toEqual([[5], false]);
      const p4 = await bWs.request({ t: "sync", conv, after: 5 });
      expect([p4.items, p4.hasMore]).toEqual([[], false]);
      // no limit: the default page (50)
      for (let i = 6; i <= 60; i++) await sendText(a, conv, `m${i}`);
      const def = await bWs.request({ t: "sync", conv, after: 0 });
      expect([seqs(def.items), def.hasMore]).toEqual([range(1, 50), true]);
      // a limit above 200 is capped, as in HTTP history (60 < 200: everything, no more)
      const big = await bWs.request({ t: "sync", conv, after: 0, limit: 10_000 });
      expect([big.t, big.items.length, big.hasMore]).toEqual(["msgs", 60, false]);
      // sync is an answer, not live delivery: no msg frames came from it
      expect(bWs.all((f) => f.t === "msg" && f.seq <= 5)).toHaveLength(0);
    });

    test("recv/read: cumulative, never back; receipts go to other members and the reader's other devices, not the reader", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c]);
      for (let i = 1; i <= 5; i++) await sendText(a, conv, `m${i}`);
      const aWs = await sockets.hello(server.url, a.accessToken, { label: "a" });
      const cWs = await sockets.hello(server.url, c.accessToken, { label: "c" });
      const reader = await sockets.hello(server.url, b.accessToken, { device: "phone", label: "b-phone" });
      const other = await sockets.hello(server.url, b.accessToken, { device: "laptop", label: "b-laptop" });
      const receipts = (ws: WsClient) => ws.all((f) => f.t === "receipt");

      reader.send({ t: "recv", conv, seq: 3 });
      const delivered = { t: "receipt", conv, user: b.id, kind: "delivered", seq: 3 };
      for (const ws of [aWs, cWs, other]) expect(await ws.waitFor((f) => f.t === "receipt")).toEqual(delivered);

      reader.send({ t: "read", conv, seq: 2 });
      for (const ws of [aWs, cWs, other]) expect(await ws.waitFor((f) => f.t === "receipt")).toEqual({ ...delivered, kind: "read", seq: 2 });

      // backwards: the markers stay where they are, and no receipt announces a lower seq
      reader.send({ t: "read", conv, seq: 1 });
      reader.send({ t: "recv", conv, seq: 1 });
      // past the end: clamped to the last message
      reader.send({ t: "read", conv, seq: 99 });
      const lastRead = await aWs.waitFor((f) => f.t === "receipt" && f.kind === "read" && f.seq === 5);
      expect(lastRead).toEqual({ ...delivered, kind: "read", seq: 5 });
      await other.waitFor((f) => f.t === "receipt" && f.kind === "read" && f.seq === 5);

      for (const ws of [aWs, cWs, other]) {
        for (const kind of ["delivered", "read"]) {
          const got = seqs(receipts(ws).filter((f) => f.kind === kind));
          for (let i = 1; i < got.length; i++) expect(got[i]!).toBeGreaterThanOrEqual(got[i - 1]!);
        }
      }
      await reader.barrier();
      expect(receipts(reader)).toHaveLength(0);

      const state = await a.api.get(`/v1/conversations/${conv}/receipts`);
      expect(state.status).toBe(200);
      const byUser = Object.fromEntries(state.body.items.map((i: { userId: string }) => [i.userId, i]));
      expect(byUser[b.id]).toEqual({ userId: b.id, deliveredSeq: 5, readSeq: 5 });
      expect(byUser[c.id]).toMatchObject({ deliveredSeq: 0, readSeq: 0 });
    });

    test("unread in GET /v1/conversations follows read frames; reading your own messages is not needed", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const aWs = await sockets.hello(server.url, a.accessToken, { label: "a" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      for (let i = 1; i <= 4; i++) await aWs.sendText(conv, `from a ${i}`);
      await bWs.sendText(conv, "from b"); // seq 5
      const summary = async (u: TestUser) => (await u.api.get("/v1/conversations")).body.items.find((i: { id: string }) => i.id === conv);

      expect(await summary(b)).toMatchObject({ lastSeq: 5, readSeq: 0, unread: 4 });
      expect(await summary(a)).toMatchObject({ lastSeq: 5, readSeq: 0, unread: 1 });

      bWs.send({ t: "read", conv, seq: 2 });
      await aWs.waitFor((f) => f.t === "receipt" && f.kind === "read" && f.seq === 2);
      expect(await summary(b)).toMatchObject({ readSeq: 2, unread: 2 });
      bWs.send({ t: "read", conv, seq: 1 });
      bWs.send({ t: "read", conv, seq: 4 });
      await aWs.waitFor((f) => f.t === "receipt" && f.kind === "read" && f.seq === 4);
      expect(await summary(b)).toMatchObject({ readSeq: 4, unread: 0 });
      // the HTTP read answers the same marker
      const res = await b.api.post(`/v1/conversations/${conv}/read`, { seq: 3 });
      expect(res.body).toEqual({ readSeq: 4, unread: 0 });
    });

    test("recv/read into a conversation of others: error not_found with the rid; nobody hears of it", async () => {
      const [a, b, outsider] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b]);
      await sendText(a, conv, "x");
      const aWs = await sockets.hello(server.url, a.accessToken);
      const out = await sockets.hello(server.url, outsider.accessToken);
      expect(await out.request({ t: "read", rid: "rd", conv, seq: 1 })).toMatchObject({ t: "error", rid: "rd", code: "not_found" });
      expect(await out.request({ t: "recv", rid: "rc", conv, seq: 1 })).toMatchObject({ t: "error", rid: "rc", code: "not_found" });
      expect(await out.request({ t: "typing", rid: "ty", conv })).toMatchObject({ t: "error", rid: "ty", code: "not_found" });
      await aWs.barrier();
      expect(aWs.all((f) => f.t === "receipt" || f.t === "typing")).toHaveLength(0);
    });

    test("typing: relayed to the other members (not the typer's devices), at most once per second per conversation", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c], "one");
      const conv2 = await group(a, [b], "two");
      const typer = await sockets.hello(server.url, a.accessToken, { device: "phone", label: "a-phone" });
      const typerOther = await sockets.hello(server.url, a.accessToken, { device: "laptop", label: "a-laptop" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      const cWs = await sockets.hello(server.url, c.accessToken, { label: "c" });
      const typing = (ws: WsClient, cv: string) => ws.all((f) => f.t === "typing" && f.conv === cv);

      typer.send({ t: "typing", conv });
      expect(await bWs.waitFor((f) => f.t === "typing")).toEqual({ t: "typing", conv, user: a.id });
      expect(await cWs.waitFor((f) => f.t === "typing")).toEqual({ t: "typing", conv, user: a.id });

      // a burst right after: nothing more within the second, but the other conversation is separate
      for (let i = 0; i < 10; i++) typer.send({ t: "typing", conv });
      for (let i = 0; i < 10; i++) typer.send({ t: "typing", conv: conv2 });
      await bWs.waitFor((f) => f.t === "typing" && f.conv === conv2);
      // a message after the burst marks its end on b's socket
      const ack = await typer.sendText(conv, "done typing");
      await bWs.waitFor((f) => f.t === "msg" && f.seq === ack.seq);
      await cWs.waitFor((f) => f.t === "msg" && f.seq === ack.seq);
      expect(typing(bWs, conv)).toHaveLength(1);
      expect(typing(bWs, conv2)).toHaveLength(1);
      expect(typing(cWs, conv)).toHaveLength(1);

      // not to the typer, nor the typer's other devices
      await typer.barrier();
      await typerOther.barrier();
      expect(typer.all((f) => f.t === "typing")).toHaveLength(0);
      expect(typerOther.all((f) => f.t === "typing")).toHaveLength(0);

      // keep typing: the next relay comes, but not sooner than a second after the first
      const firstAt = bWs.arrivedAt[bWs.frames.indexOf(typing(bWs, conv)[0]!)]!;
      const keepTyping = setInterval(() => typer.send({ t: "typing", conv }), 100);
      try {
        await bWs.waitForCount((f) => f.t === "typing" && f.conv === conv, 2, { timeoutMs: 3000 });
      } finally {
        clearInterval(keepTyping);
      }
      const secondAt = bWs.arrivedAt[bWs.frames.indexOf(typing(bWs, conv)[1]!)]!;
      expect(secondAt - firstAt).toBeGreaterThanOrEqual(900);
    });
  });
}
