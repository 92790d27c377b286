// The bounds of one session, runtime-free (a fake connection and backend): requests in flight and
// waiting, one history page at a time, acks in the conversation's stream in seq order, and the
// liveness verdicts (hello timeout, drain timeout with progress, idle).
import { expect, test } from "bun:test";
import type { Connection } from "../../src/realtime/connection.ts";
import { routeEvent } from "../../src/realtime/frames.ts";
import { defaultLimits } from "../../src/realtime/limits.ts";
import { Liveness } from "../../src/realtime/liveness.ts";
import { RequestQueue } from "../../src/realtime/request-queue.ts";
import type { RealtimeBackend } from "../../src/realtime/backend.ts";
import { Session } from "../../src/realtime/session.ts";
import type { Message } from "../../src/schema/messages.ts";

const message = (seq: number, sender: string, clientId = `k${seq}`): Message => ({
  id: `m${seq}`, conv: "c", seq, sender, ts: seq, clientId, body: { type: "text", text: `#${seq}` },
});

function fakeConnection() {
  const sent: any[] = [];
  const conn: Connection & { sent: any[]; closedWith: number | null } = {
    id: "conn-1",
    sent,
    closedWith: null,
    send: (text) => (sent.push(JSON.parse(text)), true),
    close(code) {
      this.closedWith = code;
    },
  };
  return conn;
}

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

test("RequestQueue: at most maxInflight run, one exclusive at a time, waiting bounded in bytes", async () => {
  const queue = new RequestQueue({ maxInflight: 2, maxWaitingBytes: 100 });
  const gates = Array.from({ length: 4 }, () => deferred<void>());
  const started: number[] = [];
  const run = (i: number) => async () => {
    started.push(i);
    await gates[i]!.promise;
  };
  expect(queue.submit({ bytes: 10, exclusive: true, run: run(0) })).toBe(true);
  expect(queue.submit({ bytes: 10, exclusive: true, run: run(1) })).toBe(true); // waits: one exclusive runs
  expect(queue.submit({ bytes: 80, exclusive: false, run: run(2) })).toBe(true); // waits behind it (in order)
  expect(queue.submit({ bytes: 20, exclusive: false, run: run(3) })).toBe(false); // 10 + 80 + 20 > 100
  expect(started).toEqual([0]);
  gates[0]!.resolve();
  await Bun.sleep(1);
  expect(started).toEqual([0, 1, 2]);
});

test("two sends committed in one batch with another member's message between: acks and msg in seq order", async () => {
  const conn = fakeConnection();
  const commit = deferred<void>();
  let session!: Session;
  const backend: RealtimeBackend = {
    authenticate: async () => ({ userId: "me", loginId: "l" }),
    readable: async (_u, convs) => convs,
    history: async () => ({ items: [], hasMore: false }),
    send: async (_u, _c, input) => {
      await commit.promise;
      // the hub delivers the batch (seq 1 mine, 2 theirs, 3 mine) before the sends resume
      const seq = input.clientId === "a" ? 1 : 3;
      return { message: message(seq, "me", input.clientId), created: true };
    },
    markDelivered: async () => 0,
    markRead: async () => 0,
    typing: async () => {},
  };
  session = new Session(conn, backend, { onAuthenticated: () => {}, onClosed: () => {} }, defaultLimits);
  await session.text(JSON.stringify({ t: "hello", token: "t" }));
  for (const clientId of ["a", "b"]) void session.text(JSON.stringify({ t: "send", rid: clientId, conv: "c", clientId, body: { type: "text", text: "x" } }));
  await Bun.sleep(1);
  session.deliver(message(1, "me", "a"), null);
  session.deliver(message(2, "them"), '{"t":"msg","seq":2}');
  session.deliver(message(3, "me", "b"), null);
  commit.resolve();
  await Bun.sleep(5);
  const stream = conn.sent.filter((f) => f.t === "ack" || f.t === "msg").map((f) => `${f.t}${f.seq}${f.rid ?? ""}`);
  expect(stream).toEqual(["ack1a", "msg2", "ack3b"]);
});

test("Liveness: hello timeout, drain timeout restarted by progress, then idle", () => {
  const limits = { heartbeatMs: 1000, helloTimeoutMs: 500, drainTimeoutMs: 300 };
  const l = new Liveness(limits, 0);
  expect(l.due(400, { authenticated: false, helloPending: false })).toBeNull();
  expect(l.due(501, { authenticated: false, helloPending: false })?.code).toBe(4001);
  expect(l.due(501, { authenticated: false, helloPending: true })).toBeNull();

  const b = new Liveness(limits, 0);
  b.backedUp(100);
  expect(b.due(200, { authenticated: true, helloPending: false, queuedBytes: 1000 })).toBeNull();
  expect(b.due(350, { authenticated: true, helloPending: false, queuedBytes: 900 })).toBeNull(); // it took 100 bytes: clock restarts
  expect(b.due(600, { authenticated: true, helloPending: false, queuedBytes: 900 })).toBeNull();
  expect(b.due(700, { authenticated: true, helloPending: false, queuedBytes: 900 })?.code).toBe(4008);
  b.drained();
  b.heard(1000);
  expect(b.due(2900, { authenticated: true, helloPending: false })).toBeNull();
  expect(b.due(3001, { authenticated: true, helloPending: false })?.code).toBe(4000);
});

test("routeEvent: messages through the streams, receipts to all but the reading connection, typing to the others", () => {
  const m = message(7, "u1");
  expect(routeEvent({ type: "message", message: m, members: ["u1", "u2"], sourceConnection: "c1" })).toMatchObject({
    kind: "stream", to: ["u1", "u2"], sourceConnection: "c1", text: JSON.stringify({ t: "msg", ...m }),
  });
  expect(routeEvent({ type: "receipt", conv: "c", user: "u2", kind: "read", seq: 7, members: ["u1", "u2"], sourceConnection: "c2" })).toEqual({
    kind: "notify", to: ["u1", "u2"], except: "c2", text: '{"t":"receipt","conv":"c","user":"u2","kind":"read","seq":7}',
  });
  expect(routeEvent({ type: "typing", conv: "c", user: "u1", members: ["u1", "u2", "u3"] })).toEqual({
    kind: "notify", to: ["u2", "u3"], text: '{"t":"typing","conv":"c","user":"u1"}',
  });
});
