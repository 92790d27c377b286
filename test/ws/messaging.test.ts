// PROTOCOL.md "Realtime" 3 and 4: send → ack after the commit, `msg` to every other device of
// every member (the sender's other devices too, never the sending connection), HTTP sends pushed
// the same way, idempotent clientIds, ordering without gaps under concurrent senders, and
// non-members who can neither send into nor hear from a conversation.
import { afterEach, describe, expect, test } from "bun:test";
import { group, registerMany, sendText, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";

const sockets = new Sockets();
afterEach(() => sockets.closeAll());

const msgsOf = (c: WsClient, conv: string) => c.all((f) => f.t === "msg" && f.conv === conv);
const seqs = (frames: Frame[]) => frames.map((f) => f.seq as number);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const kind of targetKinds()) {
  describe(`ws messaging [${kind}]`, () => {
    const server = useTarget(kind);

    test("send → ack (rid, conv, clientId, seq, id, ts) after the commit; msg to every other device, not the sender's connection", async () => {
      const [a, b, c] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b, c]);
      const aPhone = await sockets.hello(server.url, a.accessToken, { device: "phone", label: "a-phone" });
      const aLaptop = await sockets.hello(server.url, a.accessToken, { device: "laptop", label: "a-laptop" });
      const bPhone = await sockets.hello(server.url, b.accessToken, { device: "phone", label: "b-phone" });
      const bLaptop = await sockets.hello(server.url, b.accessToken, { device: "laptop", label: "b-laptop" });
      const cOnly = await sockets.hello(server.url, c.accessToken, { label: "c" });

      const before = Date.now();
      const ack = await aPhone.request({ t: "send", rid: "s-1", conv, clientId: "cid-1", body: { type: "text", text: "hello all" } });
      expect(ack).toEqual({ t: "ack", rid: "s-1", conv, clientId: "cid-1", seq: 1, id: expect.any(String), ts: expect.any(Number) });
      expect(ack.ts).toBeGreaterThanOrEqual(before - 1000);

      // committed before the ack: history already has it, with the same id and ts
      const history = await b.api.get(`/v1/conversations/${conv}/messages?after=0`);
      expect(history.body.items).toEqual([
        { id: ack.id, conv, seq: 1, sender: a.id, ts: ack.ts, clientId: "cid-1", body: { type: "text", text: "hello all" } },
      ]);

      const expected = { t: "msg", id: ack.id, conv, seq: 1, sender: a.id, ts: ack.ts, clientId: "cid-1", body: { type: "text", text: "hello all" } };
      for (const r of [aLaptop, bPhone, bLaptop, cOnly]) expect(await r.waitFor((f) => f.t === "msg")).toEqual(expected);
      // the sending connection got the ack; a msg for its own send would have come before it
      await aPhone.barrier();
      expect(msgsOf(aPhone, conv)).toHaveLength(0);
    });

    test("HTTP sends push the same msg frames to every connected device, the sender's included", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const aWs = await sockets.hello(server.url, a.accessToken, { label: "a" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      const sent = await sendText(a, conv, "via http", "http-1");
      for (const r of [aWs, bWs]) expect(await r.waitFor((f) => f.t === "msg")).toEqual({ t: "msg", ...sent });
    });

    test("a repeated clientId gets the original ack (same seq and id); nothing is delivered twice", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const aWs = await sockets.hello(server.url, a.accessToken, { label: "a" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });

      const first = await aWs.sendText(conv, "original", "dup-1");
      expect(first.t).toBe("ack");
      const again = await aWs.sendText(conv, "a different body", "dup-1");
      expect(again).toMatchObject({ t: "ack", seq: first.seq, id: first.id, ts: first.ts, clientId: "dup-1" });
      // over HTTP it is the same message too
      const http = await a.api.post(`/v1/conversations/${conv}/messages`, { clientId: "dup-1", body: { type: "text", text: "x" } });
      expect(http.status).toBe(200);
      expect(http.body).toMatchObject({ id: first.id, seq: first.seq, body: { text: "original" } });

      const next = await aWs.sendText(conv, "next", "dup-2");
      expect(next.seq).toBe(first.seq + 1);
      await bWs.waitFor((f) => f.t === "msg" && f.seq === next.seq);
      expect(seqs(msgsOf(bWs, conv))).toEqual([1, 2]);
      expect(msgsOf(bWs, conv)[0]!.body.text).toBe("original");
    });

    test("duplicate-send storm across reconnects: every ack names the original, one msg each", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      const clientIds = range(1, 5).map((i) => `storm-${i}`);
      const acks = new Map<string, Set<string>>();
      for (let round = 0; round < 4; round++) {
        const aWs = await sockets.hello(server.url, a.accessToken, { device: "storm", label: `a-round-${round}` });
        // every clientId several times at once, in one burst (they share group-commit batches)
        const answers = await Promise.all(clientIds.flatMap((id) => range(1, 3).map(() => aWs.sendText(conv, `text ${id}`, id))));
        for (const ack of answers) {
          expect(ack.t).toBe("ack");
          const key = `${ack.clientId}`;
          if (!acks.has(key)) acks.set(key, new Set());
          acks.get(key)!.add(`${ack.seq}/${ack.id}`);
        }
        // and some over HTTP in between
        await a.api.post(`/v1/conversations/${conv}/messages`, { clientId: clientIds[round]!, body: { type: "text", text: "http" } });
        aWs.close();
        await aWs.closed;
      }
      expect([...acks.values()].map((s) => s.size)).toEqual(clientIds.map(() => 1));
      const bySeq = [...acks.values()].map((s) => Number([...s][0]!.split("/")[0])).sort((x, y) => x - y);
      expect(bySeq).toEqual(range(1, 5));
      // a fresh message marks the end of the stream: b has exactly 1..6, once each
      const end = await sendText(a, conv, "end");
      expect(end.seq).toBe(6);
      await bWs.waitFor((f) => f.t === "msg" && f.seq === 6);
      expect(seqs(msgsOf(bWs, conv))).toEqual(range(1, 6));
      expect((await a.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(6);
    });

    test("concurrent senders on several sockets and HTTP: every receiver sees 1..n in order, no gaps, no duplicates", async () => {
      const users = (await registerMany(server.url, 4)) as TestUser[];
      const [owner, ...rest] = users as [TestUser, ...TestUser[]];
      const conv = await group(owner, rest);
      const receivers: WsClient[] = [];
      const senders: WsClient[] = [];
      for (const [i, u] of users.entries()) {
        receivers.push(await sockets.hello(server.url, u.accessToken, { device: "reader", label: `reader-${i}` }));
        senders.push(await sockets.hello(server.url, u.accessToken, { device: "writer", label: `writer-${i}` }));
      }
      const PER_SOCKET = 25;
      const PER_HTTP = 15;
      const work: Promise<unknown>[] = [];
      for (const [i, s] of senders.entries()) {
        // fire a whole burst at once, without waiting for acks
        work.push(Promise.all(range(1, PER_SOCKET).map((k) => s.sendText(conv, `ws ${i}/${k}`))));
      }
      for (const [i, u] of users.entries()) {
        work.push(
          (async () => {
            for (let k = 1; k <= PER_HTTP; k++) await sendText(u, conv, `http ${i}/${k}`);
          })(),
        );
      }
      await Promise.all(work);
      const n = users.length * (PER_SOCKET + PER_HTTP);

      const allAcks = senders.flatMap((s) => s.all((f) => f.t === "ack"));
      expect(allAcks).toHaveLength(users.length * PER_SOCKET);
      expect(new Set(allAcks.map((f) => f.seq)).size).toBe(allAcks.length);

      for (const r of receivers) {
        await r.waitForCount((f) => f.t === "msg" && f.conv === conv, n, { timeoutMs: 10_000, what: "msg" });
        await r.barrier();
        expect(seqs(msgsOf(r, conv))).toEqual(range(1, n));
      }
      // a writer socket received everything except its own sends, still in increasing order
      for (const [i, s] of senders.entries()) {
        await s.waitForCount((f) => f.t === "msg" && f.conv === conv, n - PER_SOCKET, { timeoutMs: 10_000, what: "msg" });
        await s.barrier();
        const got = seqs(msgsOf(s, conv));
        expect(got).toHaveLength(n - PER_SOCKET);
        for (let k = 1; k < got.length; k++) expect(got[k]!).toBeGreaterThan(got[k - 1]!);
        const own = new Set(s.all((f) => f.t === "ack").map((f) => f.seq));
        expect(got.filter((q) => own.has(q))).toEqual([]);
        expect({ writer: i, all: new Set([...got, ...own]).size }).toEqual({ writer: i, all: n });
      }
    });

    test("a burst of sends on one socket is committed in the order it was sent", async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = await group(a, [b]);
      const other = await group(a, [b], "other");
      const aWs = await sockets.hello(server.url, a.accessToken);
      const bWs = await sockets.hello(server.url, b.accessToken);
      // interleaved with sends into another conversation and pings, none awaited
      const acks = await Promise.all(
        range(1, 60).map((i) => {
          if (i % 3 === 0) void aWs.request({ t: "ping" });
          return aWs.sendText(i % 4 === 0 ? other : conv, `n${i}`, `order-${i}`);
        }),
      );
      for (const cv of [conv, other]) {
        const mine = acks.filter((f) => f.conv === cv);
        expect(seqs(mine)).toEqual(range(1, mine.length));
        const received = await bWs.waitForCount((f) => f.t === "msg" && f.conv === cv, mine.length);
        expect(received.map((f) => f.clientId)).toEqual(mine.map((f) => f.clientId));
      }
    });

    test("non-members: send → error not_found with the rid; they hear nothing of the conversation", async () => {
      const [a, b, outsider] = (await registerMany(server.url, 3)) as [TestUser, TestUser, TestUser];
      const conv = await group(a, [b]);
      const out = await sockets.hello(server.url, outsider.accessToken, { label: "outsider" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });

      const err = await out.request({ t: "send", rid: "nm-1", conv, clientId: "x", body: { type: "text", text: "let me in" } });
      expect(err).toEqual({ t: "error", rid: "nm-1", code: "not_found", message: expect.any(String) });
      const sync = await out.request({ t: "sync", rid: "nm-2", conv, after: 0 });
      expect(sync).toMatchObject({ t: "error", rid: "nm-2", code: "not_found" });
      // an unknown conversation looks the same
      const unknown = await out.request({ t: "send", rid: "nm-3", conv: "no-such-conv", clientId: "x", body: { type: "text", text: "?" } });
      expect(unknown).toMatchObject({ t: "error", rid: "nm-3", code: "not_found" });

      const sent = await sendText(a, conv, "members only");
      await bWs.waitFor((f) => f.t === "msg" && f.seq === sent.seq);
      await out.barrier();
      expect(out.all((f) => f.t === "msg")).toHaveLength(0);
      expect(out.open).toBe(true);
      expect((await a.api.get(`/v1/conversations/${conv}`)).body.lastSeq).toBe(1);
    });
  });
}
