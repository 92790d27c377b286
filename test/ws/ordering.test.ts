// One order per connection: the ack of a connection's own send and the `msg` frames of the others
// in the same conversation leave in seq order, so a client never sees a later seq before the ack
// that fills the gap below it, and the SDK never has to `sync` for what its own ack would fill.
import { afterEach, describe, expect, test } from "bun:test";
import { ParleyClient } from "../../src/client/index.ts";
import { registerMany, type TestUser } from "../support/api.ts";
import { targetKinds, useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";
import { clientFor, record, waitUntil } from "../client/helpers.ts";

const sockets = new Sockets();
const clients = new Set<ParleyClient>();
afterEach(() => {
  sockets.closeAll();
  for (const c of clients) c.close();
  clients.clear();
});

const ROUNDS = 200;

/** The seqs of a connection's acks and msgs of `conv`, in arrival order. */
const streamOf = (c: WsClient, conv: string) => c.all((f: Frame) => (f.t === "ack" || f.t === "msg") && f.conv === conv).map((f) => f.seq as number);

/** A WebSocket that counts the `sync` frames the SDK sends. */
function countingSyncs() {
  const counter = { syncs: 0 };
  class Counting extends WebSocket {
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView) {
      if (typeof data === "string" && JSON.parse(data).t === "sync") counter.syncs++;
      super.send(data);
    }
  }
  return { counter, WebSocket: Counting };
}

for (const kind of targetKinds()) {
  describe(`one order per connection [${kind}]`, () => {
    const server = useTarget(kind);

    test(`two users send at the same instant, ${ROUNDS} rounds: on each connection acks and msgs arrive in strictly increasing seq`, async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = (await a.api.post("/v1/conversations", { kind: "direct", with: b.id })).body.id as string;
      const aWs = await sockets.hello(server.url, a.accessToken, { label: "a" });
      const bWs = await sockets.hello(server.url, b.accessToken, { label: "b" });
      for (let i = 0; i < ROUNDS; i++) {
        await Promise.all([aWs.sendText(conv, `a${i}`), bWs.sendText(conv, `b${i}`)]);
      }
      await Promise.all([aWs.waitForCount((f) => f.t === "msg", ROUNDS), bWs.waitForCount((f) => f.t === "msg", ROUNDS)]);
      for (const [label, ws] of [["a", aWs], ["b", bWs]] as const) {
        const seqs = streamOf(ws, conv);
        const late = seqs.filter((s, i) => i > 0 && s <= seqs[i - 1]!).length;
        expect([label, late]).toEqual([label, 0]);
        expect(seqs).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
      }
    }, 60_000);

    test(`two SDK clients send at the same instant, ${ROUNDS} rounds: every message once, in order, and not one sync`, async () => {
      const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
      const conv = (await a.api.post("/v1/conversations", { kind: "direct", with: b.id })).body.id as string;
      const wsA = countingSyncs();
      const wsB = countingSyncs();
      const ca = clientFor(server.url, a, { WebSocket: wsA.WebSocket, startFrom: "beginning" });
      const cb = clientFor(server.url, b, { WebSocket: wsB.WebSocket, startFrom: "beginning" });
      clients.add(ca).add(cb);
      const [ra, rb] = [record(ca), record(cb)];
      await Promise.all([ca.connect(), cb.connect()]);
      for (let i = 0; i < ROUNDS; i++) {
        await Promise.all([ca.send(conv, { type: "text", text: `a${i}` }), cb.send(conv, { type: "text", text: `b${i}` })]);
      }
      await waitUntil(() => ra.seqs(conv).length === 2 * ROUNDS && rb.seqs(conv).length === 2 * ROUNDS, "every message at both", 20_000);
      const all = Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1);
      expect(ra.seqs(conv)).toEqual(all);
      expect(rb.seqs(conv)).toEqual(all);
      expect([wsA.counter.syncs, wsB.counter.syncs]).toEqual([0, 0]);
    }, 60_000);
  });
}
