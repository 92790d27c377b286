// The server as a child process, killed with SIGKILL in the middle of a stream of sends and
// restarted on the same port and data; and frozen with SIGSTOP to prove dead-socket detection.
// Whatever the crash interrupted, every send resolves exactly once, the log holds each clientId
// exactly once at seqs 1..n, and a receiving client sees exactly those messages, in order.
import { afterAll, expect, test } from "bun:test";
import { freePort } from "../../bench/lib/server.ts";
import type { ParleyClient, SendResult } from "../../src/client/index.ts";
import { directConversation, register } from "../support/api.ts";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";
import { clientFor, fullHistory, range, record, text, waitUntil, within } from "./helpers.ts";

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** main.ts on a fixed port (so the clients reconnect to the same address) and data directory. */
async function startChild(port: number, dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await spawnServer(dataDir, { PORT: String(port), ...env });
  cleanups.push(() => {
    if (server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill("SIGKILL");
    return server.proc.exited;
  });
  return server;
}

test("SIGKILL mid-stream, restart on the same port and data: every send resolves once, log 1..n, receiver in order", async () => {
  const port = freePort();
  const data = tempDataDir("parley-sdk-kill-");
  cleanups.push(() => data.remove());
  const base = `http://localhost:${port}`;
  let server = await startChild(port, data.dir);

  const [alice, bob] = await Promise.all([register(base), register(base)]);
  const conv = await directConversation(alice, bob);
  const a = clientFor(base, alice, { device: "alice-phone" });
  const b = clientFor(base, bob, { device: "bob-phone" });
  cleanups.push(() => a.close(), () => b.close());
  const ra = record(a);
  const rb = record(b);
  await within(Promise.all([a.connect(), b.connect()]), "both connected");

  const BEFORE = 400; // sent in one burst, the kill lands while many are in flight
  const DURING = 50; // sent while the server is down: outbox only
  const KILL_AFTER_ACKS = 40;
  const resolved = new Map<string, number>();
  const acksOf = new Map<string, SendResult>();
  let pendingAtKill = -1;
  let receivedAtKill = -1;
  a.on("ack", () => {
    if (ra.acks.length === KILL_AFTER_ACKS) {
      server.proc.kill("SIGKILL"); // synchronous: nothing more is acked on this socket after this
      pendingAtKill = a.pending().length;
      receivedAtKill = rb.msgs.length;
    }
  });
  const send = (i: number) =>
    a.send(conv, text(`m${i}`), { clientId: `cid-${i}` }).then((ack) => {
      resolved.set(ack.clientId, (resolved.get(ack.clientId) ?? 0) + 1);
      acksOf.set(ack.clientId, ack);
      return ack;
    });
  const sends = range(1, BEFORE).map(send);

  await within(server.proc.exited, "the server dies");
  await waitUntil(() => a.state !== "open" && b.state !== "open", "both clients noticed");
  expect(pendingAtKill).toBeGreaterThan(0); // the crash interrupted sends in flight
  sends.push(...range(BEFORE + 1, BEFORE + DURING).map(send));
  expect(a.pending().length).toBeGreaterThanOrEqual(DURING);

  server = await startChild(port, data.dir);
  const acks = await within(Promise.all(sends), "every send resolves after the restart", 20_000);
  const n = BEFORE + DURING;

  // Every send resolved exactly once, and the ack events agree.
  expect(resolved.size).toBe(n);
  expect([...resolved.values()].every((count) => count === 1)).toBe(true);
  expect(ra.acks.length).toBe(n);
  expect(new Set(ra.acks.map((x) => x.clientId)).size).toBe(n);

  // The log: each clientId exactly once, seqs 1..n, each at the seq its ack named.
  const history = await fullHistory(alice.accessToken, base, conv);
  expect(history.map((m) => m.seq)).toEqual(range(1, n));
  expect(new Set(history.map((m) => m.clientId)).size).toBe(n);
  expect(history.map((m) => m.clientId).sort()).toEqual(range(1, n).map((i) => `cid-${i}`).sort());
  for (const m of history) expect(acksOf.get(m.clientId)?.seq).toBe(m.seq);
  expect(acks.map((x) => x.seq).sort((x, y) => x - y)).toEqual(range(1, n));

  // The receiver reconnected too and saw exactly the committed messages, in order, once each.
  await waitUntil(() => b.cursor(conv) === n, `bob reaches ${n}`, 10_000).catch((error) => {
    const seqs = rb.msgs.map((m) => m.seq);
    throw new Error(
      `${error.message}: bob at cursor ${b.cursor(conv)}, state ${b.state}, ${seqs.length} msgs (last ${seqs.slice(-5)}), ` +
        `${receivedAtKill} at the kill, disconnects ${JSON.stringify(rb.disconnected)}, connects ${JSON.stringify(rb.connected)}\n` + server.output().slice(-6000),
    );
  });
  expect(rb.msgs.map((m) => m.seq)).toEqual(range(1, n));
  expect(rb.msgs.map((m) => m.id)).toEqual(history.map((m) => m.id));
  // And so did the sender's own stream (acks and resumed msgs merged without repeats).
  await waitUntil(() => a.cursor(conv) === n, `alice reaches ${n}`);
  expect(ra.msgs.map((m) => m.id)).toEqual(history.map((m) => m.id));

  expect(rb.disconnected.some((d) => d.code === 1006 && d.willReconnect)).toBe(true);
  expect(ra.connected.at(-1)).toMatchObject({ reconnected: true });
  console.log(
    `kill test: ${n} messages; ${pendingAtKill} unacked and ${receivedAtKill} delivered to bob at the kill; ` +
      `${ra.connected.length - 1} reconnect(s) for alice`,
  );
}, 30_000);

test("a frozen server (SIGSTOP) is detected by the heartbeat; the client reconnects after SIGCONT", async () => {
  const port = freePort();
  const data = tempDataDir("parley-sdk-stop-");
  cleanups.push(() => data.remove());
  const base = `http://localhost:${port}`;
  const server = await startChild(port, data.dir, { HEARTBEAT_MS: "200" });
  const [alice, bob] = await Promise.all([register(base), register(base)]);
  const conv = await directConversation(alice, bob);
  const a: ParleyClient = clientFor(base, alice, { connectTimeoutMs: 400 });
  cleanups.push(() => a.close());
  const ra = record(a);
  await within(a.connect(), "connected");
  expect(ra.connected[0]!.heartbeatMs).toBe(200);

  server.proc.kill("SIGSTOP");
  cleanups.push(() => server.proc.kill("SIGCONT")); // so that its SIGKILL cleanup can reap it
  // The TCP connection stays up; only the silence (> 2 x 200 ms) shows the server is gone.
  await waitUntil(() => ra.disconnected.length > 0, "heartbeat timeout", 3000);
  expect(ra.disconnected[0]).toMatchObject({ code: 4000, reason: "heartbeat timeout", willReconnect: true, wasConnected: true });
  const queued = a.send(conv, text("sent while frozen"));

  server.proc.kill("SIGCONT");
  await waitUntil(() => ra.connected.length === 2, "reconnected", 5000);
  const ack = await within(queued, "queued send acked");
  expect(ack.seq).toBe(1);
  expect(ra.connected[1]).toMatchObject({ reconnected: true });
}, 15_000);
