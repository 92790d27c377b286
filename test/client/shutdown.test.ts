// Graceful shutdown (SIGTERM) under SDK send load, then a restart on the same port and data:
// the server lets the sends it is running answer, closes every socket with 1012 and exits 0; the
// SDK starts reconnecting at once (no backoff), resends what was not acked, and the log holds
// every message exactly once at seqs 1..n.
import { afterAll, expect, test } from "bun:test";
import { freePort } from "../../bench/lib/server.ts";
import type { ConnectionState, SendResult } from "../../src/client/index.ts";
import { directConversation, register } from "../support/api.ts";
import { spawnServer, type ServerProcess } from "../support/process.ts";
import { tempDataDir } from "../support/target.ts";
import { clientFor, fullHistory, range, record, text, waitUntil, within } from "./helpers.ts";

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function startChild(port: number, dataDir: string): Promise<ServerProcess> {
  const server = await spawnServer(dataDir, { PORT: String(port), SHUTDOWN_TIMEOUT_MS: "5000" });
  cleanups.push(() => server.stop());
  return server;
}

test("SIGTERM under send load: acks out, 1012, exit 0; the SDK reconnects at once and every message is stored once", async () => {
  const port = freePort();
  const data = tempDataDir("parley-sdk-term-");
  cleanups.push(() => data.remove());
  const base = `http://localhost:${port}`;
  let server = await startChild(port, data.dir);
  const [alice, bob] = await Promise.all([register(base), register(base)]);
  const conv = await directConversation(alice, bob);
  // A long backoff: a reconnect that waited for it would show.
  const reconnect = { minDelayMs: 1500, maxDelayMs: 3000 };
  const a = clientFor(base, alice, { device: "alice-phone", reconnect });
  const b = clientFor(base, bob, { device: "bob-phone", reconnect });
  cleanups.push(() => a.close(), () => b.close());
  const ra = record(a);
  const rb = record(b);
  const states: { state: ConnectionState; at: number }[] = [];
  a.on("state", (state) => states.push({ state, at: performance.now() }));
  await within(Promise.all([a.connect(), b.connect()]), "both connected");

  // 24 sends in flight, one more on every ack, until SIGTERM plus a few while the server is gone.
  const WINDOW = 24;
  const TERM_AFTER_ACKS = 150;
  const acked = new Map<string, SendResult>();
  const sends: Promise<SendResult>[] = [];
  let next = 1;
  let loading = true;
  const sendOne = () => {
    const i = next++;
    const sent = a.send(conv, text(`m${i}`), { clientId: `cid-${i}` }).then((ack) => {
      acked.set(ack.clientId, ack);
      if (loading) sendOne();
      return ack;
    });
    sends.push(sent);
  };
  for (let i = 0; i < WINDOW; i++) sendOne();
  await waitUntil(() => acked.size >= TERM_AFTER_ACKS, `${TERM_AFTER_ACKS} acks`, 10_000);
  const termAt = performance.now();
  server.proc.kill("SIGTERM");
  const exitCode = await within(server.proc.exited, "the server exits", 8000);
  const exitMs = performance.now() - termAt;
  loading = false;
  const ackedBeforeRestart = new Map(acked);
  const unackedAtExit = a.pending().length;
  for (let i = 0; i < 10; i++) sendOne(); // while the server is down: outbox only

  expect(exitCode).toBe(0);
  expect(server.output()).toContain("stopped");
  // Both sockets were closed by the server with 1012, not dropped.
  expect(ra.disconnected[0]).toMatchObject({ code: 1012, willReconnect: true, wasConnected: true });
  expect(rb.disconnected[0]).toMatchObject({ code: 1012, willReconnect: true, wasConnected: true });
  // And the SDK tried again at once, not after its (≥ 750 ms) backoff.
  const closedAt = states.findIndex((s, i) => i > 0 && s.state !== "open" && states[i - 1]!.state === "open");
  const firstAttempt = states.slice(closedAt).find((s) => s.state === "connecting");
  expect(firstAttempt).toBeDefined();
  const attemptMs = firstAttempt!.at - states[closedAt]!.at;
  expect(attemptMs).toBeLessThan(100);

  const restartAt = performance.now();
  server = await startChild(port, data.dir);
  await within(Promise.all(sends), "every send resolves after the restart", 20_000);
  const reconnectMs = performance.now() - restartAt;
  const n = next - 1;

  // Every acked message is there with the seq of its ack; every other one was resent and
  // stored once: one row per clientId, seqs 1..n.
  const history = await fullHistory(alice.accessToken, base, conv);
  expect(history.map((m) => m.seq)).toEqual(range(1, n));
  expect(history.map((m) => m.clientId).sort()).toEqual(range(1, n).map((i) => `cid-${i}`).sort());
  for (const [clientId, ack] of ackedBeforeRestart) expect(history[ack.seq - 1]!.clientId).toBe(clientId);
  for (const m of history) expect(acked.get(m.clientId)?.seq).toBe(m.seq);
  // The receiver got each exactly once, in order.
  await waitUntil(() => b.cursor(conv) === n, `bob reaches ${n}`, 10_000);
  expect(rb.msgs.map((m) => m.seq)).toEqual(range(1, n));
  console.log(
    `graceful shutdown: exit 0 after ${exitMs.toFixed(0)} ms with ${ackedBeforeRestart.size} acked and ${unackedAtExit} unacked; ` +
      `first reconnect attempt ${attemptMs.toFixed(1)} ms after the 1012; all ${n} acked ${reconnectMs.toFixed(0)} ms after the restart began`,
  );
}, 45_000);
