// Session snapshots (what the Workers user objects keep in a socket's attachment while they
// hibernate): a session restored into a fresh Hub goes on where it stood, runtime-free.
import { expect, test } from "bun:test";
import type { Connection } from "../../src/realtime/connection.ts";
import { Hub } from "../../src/realtime/hub.ts";
import { defaultLimits } from "../../src/realtime/limits.ts";
import type { RealtimeBackend } from "../../src/realtime/backend.ts";
import type { Message } from "../../src/schema/messages.ts";

const message = (seq: number): Message => ({ id: `m${seq}`, conv: "c", seq, sender: "other", ts: seq, clientId: `k${seq}`, body: { type: "text", text: `#${seq}` } });
const log = Array.from({ length: 6 }, (_, i) => message(i + 1)); // the store

const backend: RealtimeBackend = {
  authenticate: async (token) => (token === "good" ? { userId: "u", loginId: "login-1" } : null),
  send: async () => {
    throw new Error("not used");
  },
  history: async (_user, _conv, { after, limit }) => ({ items: log.filter((m) => m.seq > after).slice(0, limit), hasMore: false }),
  readable: async (_user, convs) => convs,
  markDelivered: async () => 0,
  markRead: async () => 0,
  typing: async () => {},
};

function socket(id: string) {
  const sent: any[] = [];
  const conn: Connection & { sent: any[]; closedWith: number | null } = {
    id,
    sent,
    closedWith: null,
    send: (text) => (sent.push(JSON.parse(text)), true),
    close(code) {
      this.closedWith = code;
    },
  };
  return conn;
}

const hub = () => new Hub({ backend, limits: defaultLimits, maxDevicesPerUser: 10 });
const seqs = (sent: any[]) => sent.filter((f) => f.t === "msg").map((f) => f.seq);

test("snapshot → restore: same user, device, login and stream positions; a gap after the wake is filled", async () => {
  const before = hub();
  const conn = socket("s1");
  const session = before.attach(conn);
  await session.text(JSON.stringify({ t: "hello", token: "good", device: "phone" }));
  before.deliver(["u"], log[0]!, JSON.stringify({ t: "msg", ...log[0] }));
  before.deliver(["u"], log[1]!, JSON.stringify({ t: "msg", ...log[1] }));
  const snapshot = JSON.parse(JSON.stringify(session.snapshot())); // as stored: plain data
  expect(snapshot).toMatchObject({ user: { userId: "u", loginId: "login-1" }, device: "phone", positions: { c: 2 } });

  const after = hub();
  const woken = socket("s1");
  const restored = after.restore(woken, snapshot);
  expect(restored.user).toEqual({ userId: "u", loginId: "login-1" });
  // 3 missed nothing; 6 comes past a gap: 4 and 5 are read from the store first
  after.deliver(["u"], log[2]!, JSON.stringify({ t: "msg", ...log[2] }));
  after.deliver(["u"], log[5]!, JSON.stringify({ t: "msg", ...log[5] }));
  await Bun.sleep(10);
  expect(seqs(woken.sent)).toEqual([3, 4, 5, 6]);
  // frames after the wake are served without a second hello
  await restored.text(JSON.stringify({ t: "ping", rid: "p" }));
  expect(woken.sent.at(-1)).toEqual({ t: "pong", rid: "p" });

  // device replacement and kicks know the restored session
  const again = socket("s2");
  await after.attach(again).text(JSON.stringify({ t: "hello", token: "good", device: "phone" }));
  expect(woken.closedWith).toBe(4010);
  after.kickLogin("login-1");
  expect(again.closedWith).toBe(4010);
});

test("no snapshot before hello; the schedule follows the hello timeout, then the heartbeat", async () => {
  const h = hub();
  const session = h.attach(socket("s"));
  expect(session.snapshot()).toBeNull();
  expect(h.nextTickAt()).toBe(session.openedAt + defaultLimits.helloTimeoutMs + 1);
  await session.text(JSON.stringify({ t: "hello", token: "good" }));
  session.heard(session.lastHeard + 5000);
  expect(h.nextTickAt()).toBe(session.lastHeard + 2 * defaultLimits.heartbeatMs + 1);
});
