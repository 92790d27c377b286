// Model-based (fast-check commands): one direct conversation, two users each on a socket, and a
// random sequence of sends, resends of old clientIds, reconnects with a random cursor, reads and
// syncs. After every step the contract's invariants hold: the log is gapless (seqs 1..n) with
// one row per clientId; each socket's stream of the conversation (msgs, and acks of its new
// sends) is exactly cursor+1, cursor+2, … in order; a resend gets the original seq and id; a
// sync returns exactly the seqs after its cursor; readSeq never moves back.
import { afterAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { directConversation, registerMany, type TestUser } from "../support/api.ts";
import { useTarget } from "../support/target.ts";
import { Sockets, type Frame, type WsClient } from "../support/ws.ts";
import { runs } from "./arbitraries.ts";

interface Model {
  /** the log as the model has it: index = seq - 1 */
  log: { clientId: string; sender: 0 | 1; id?: string }[];
  readSeq: [number, number];
}

interface Peer {
  user: TestUser;
  socket: WsClient;
  /** the cursor its socket's hello gave */
  cursor: number;
  /** rids of its sends that were new messages (their acks are part of the stream) */
  newSends: Set<string>;
}

interface Real {
  conv: string;
  peers: [Peer, Peer];
  sockets: Sockets;
}

/** A frame of the conversation's stream on this socket: a msg, or the ack of one of its new sends. */
const inStream = (peer: Peer, conv: string) => (f: Frame) => f.conv === conv && (f.t === "msg" || (f.t === "ack" && peer.newSends.has(f.rid)));

async function checkInvariants(m: Model, r: Real): Promise<void> {
  const res = await r.peers[0].user.api.get(`/v1/conversations/${r.conv}/messages?after=0&limit=200`);
  const items = res.body.items as { seq: number; clientId: string; id: string }[];
  expect(items.map((i) => i.seq)).toEqual(m.log.map((_, i) => i + 1));
  expect(items.map((i) => i.clientId)).toEqual(m.log.map((e) => e.clientId));
  for (const peer of r.peers) {
    // Since its hello: every seq after its cursor, once each, in order.
    const stream = await peer.socket.waitForCount(inStream(peer, r.conv), m.log.length - peer.cursor);
    expect(stream.map((f) => f.seq)).toEqual(m.log.slice(peer.cursor).map((_, i) => peer.cursor + i + 1));
  }
}

let clientIds = 0;

class Send implements fc.AsyncCommand<Model, Real> {
  constructor(readonly who: 0 | 1) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const peer = r.peers[this.who];
    const clientId = `c${++clientIds}`;
    const rid = `s${clientIds}`;
    peer.newSends.add(rid);
    const ack = await peer.socket.request({ t: "send", rid, conv: r.conv, clientId, body: { type: "text", text: clientId } });
    expect(ack).toMatchObject({ t: "ack", seq: m.log.length + 1, clientId });
    m.log.push({ clientId, sender: this.who, id: ack.id });
    await checkInvariants(m, r);
  }
  toString = () => `send(${this.who})`;
}

class Resend implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.log.length > 0;
  async run(m: Model, r: Real) {
    const seq = (this.pick % m.log.length) + 1;
    const original = m.log[seq - 1]!;
    const ack = await r.peers[original.sender].socket.request({ t: "send", conv: r.conv, clientId: original.clientId, body: { type: "text", text: "another body" } });
    expect(ack).toMatchObject({ t: "ack", seq, id: original.id });
    await checkInvariants(m, r);
  }
  toString = () => `resend(${this.pick})`;
}

class Reconnect implements fc.AsyncCommand<Model, Real> {
  constructor(readonly who: 0 | 1, readonly pick: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const peer = r.peers[this.who];
    peer.socket.close();
    const cursor = this.pick % (m.log.length + 1);
    peer.socket = await r.sockets.hello(r.peers[0].user.api.base, peer.user.accessToken, { device: `d${this.who}`, cursors: { [r.conv]: cursor } });
    Object.assign(peer, { cursor, newSends: new Set<string>() });
    await checkInvariants(m, r);
  }
  toString = () => `reconnect(${this.who}, ${this.pick})`;
}

class Read implements fc.AsyncCommand<Model, Real> {
  constructor(readonly who: 0 | 1, readonly seq: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const res = await r.peers[this.who].user.api.post(`/v1/conversations/${r.conv}/read`, { seq: this.seq });
    expect(res.status).toBe(200);
    expect(res.body.readSeq).toBeGreaterThanOrEqual(m.readSeq[this.who]);
    m.readSeq[this.who] = res.body.readSeq;
    await checkInvariants(m, r);
  }
  toString = () => `read(${this.who}, ${this.seq})`;
}

class Sync implements fc.AsyncCommand<Model, Real> {
  constructor(readonly who: 0 | 1, readonly pick: number, readonly limit: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const after = this.pick % (m.log.length + 1);
    const page = await r.peers[this.who].socket.request({ t: "sync", conv: r.conv, after, limit: this.limit });
    const expected = m.log.slice(after, after + this.limit).map((_, i) => after + i + 1);
    expect(page.items.map((i: { seq: number }) => i.seq)).toEqual(expected);
    expect(page.hasMore).toBe(after + this.limit < m.log.length);
    await checkInvariants(m, r);
  }
  toString = () => `sync(${this.who}, ${this.pick}, ${this.limit})`;
}

describe("one conversation, model-based [bun]", () => {
  const server = useTarget("bun", { WS_FRAMES_PER_SEC: "100000", WS_FRAME_BURST: "100000" });
  const sockets = new Sockets();
  afterAll(() => sockets.closeAll());

  test("random sends, resends, reconnects with random cursors, reads and syncs keep the invariants", async () => {
    const who = fc.constantFrom<0 | 1>(0, 1);
    const commands = fc.commands(
      [
        who.map((w) => new Send(w)),
        fc.nat().map((p) => new Resend(p)),
        fc.tuple(who, fc.nat()).map(([w, p]) => new Reconnect(w, p)),
        fc.tuple(who, fc.nat({ max: 30 })).map(([w, s]) => new Read(w, s)),
        fc.tuple(who, fc.nat(), fc.integer({ min: 1, max: 5 })).map(([w, p, l]) => new Sync(w, p, l)),
      ],
      { maxCommands: 40 },
    );
    await fc.assert(
      fc.asyncProperty(commands, async (cmds) => {
        const [a, b] = (await registerMany(server.url, 2)) as [TestUser, TestUser];
        const conv = await directConversation(a, b);
        const peer = async (user: TestUser, i: number): Promise<Peer> => ({
          user,
          socket: await sockets.hello(server.url, user.accessToken, { device: `d${i}`, cursors: { [conv]: 0 } }),
          cursor: 0,
          newSends: new Set(),
        });
        const real: Real = { conv, peers: [await peer(a, 0), await peer(b, 1)], sockets };
        const model: Model = { log: [], readSeq: [0, 0] };
        await fc.asyncModelRun(() => ({ model, real }), cmds);
        for (const p of real.peers) p.socket.close();
      }),
      { numRuns: runs(40) },
    );
  }, 60_000);
});
