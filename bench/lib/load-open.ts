// The open-loop 1:1 load generator, run as its own process by bench/latency.ts:
//   bun bench/lib/load-open.ts <config.json>
// config: {mode: "parley"|"relay", url, rate, warmupMs, durationMs, seed, pairs: [{sender, receiver, conv}]}
// Sends arrive as a Poisson process of `rate` per second in all (exponential gaps from a seeded
// generator), each from a random pair's sender, whatever is still unanswered: the offered load
// does not slow down when the server does (unlike a window of sends in flight). Per send, ack
// latency (send → its ack at the sender) and delivery latency (send → the frame at the receiver),
// both from the moment the frame was written. `lag` is how late sends went out against their
// schedule (the generator's own timer precision, reported so a late generator shows). Prints one
// JSON line.
import { readFileSync } from "node:fs";
import { summarize } from "./stats.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";
import type { Pair } from "./pairs.ts";

interface Cfg {
  mode: "parley" | "relay";
  url: string;
  rate: number;
  warmupMs: number;
  durationMs: number;
  seed: number;
  pairs: Pair[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

/** mulberry32: the same arrival times for every target given the same seed */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const open = (me: { id: string; token: string }, peer: { id: string }): Promise<LeanWs> =>
  cfg.mode === "relay"
    ? openWs(`${wsUrl(cfg.url)}?id=${encodeURIComponent(me.id)}&peer=${encodeURIComponent(peer.id)}`)
    : openWs(wsUrl(cfg.url), me.token);
const receivers = await Promise.all(cfg.pairs.map((p) => open(p.receiver, p.sender)));
const senders = await Promise.all(cfg.pairs.map((p) => open(p.sender, p.receiver)));

const ackLatencies: number[] = [];
const deliveryLatencies: number[] = [];
const lags: number[] = [];
let sent = 0;
let acked = 0;
let delivered = 0;
const errors: string[] = [];
/** rid → when it was written, and whether it counts (sent inside the measured window) */
const pending = new Map<string, { at: number; counts: boolean }>();
/**
 * In this run's clientIds: bench:latency offers several rates to the same server, and a clientId
 * sent again in a conversation is answered with the original message (idempotent), not delivered.
 */
const runId = crypto.randomUUID().slice(0, 8);

receivers.forEach((r) => {
  r.onText = (text) => {
    const now = performance.now();
    const f = JSON.parse(text);
    if (f.t !== "msg" && f.t !== "send") return;
    delivered++;
    const [at, counts] = (f.body.text as string).split(" ", 2);
    if (counts === "1") deliveryLatencies.push(now - Number(at));
  };
});
senders.forEach((s) => {
  s.onFrame = (f) => {
    if (f.t !== "ack" && f.t !== "error") return;
    const p = pending.get(f.rid);
    if (!p) return;
    pending.delete(f.rid);
    if (f.t === "error") return void (errors.length < 10 && errors.push(JSON.stringify(f)));
    acked++;
    if (p.counts) ackLatencies.push(performance.now() - p.at);
  };
});

const next = random(cfg.seed);
const gapMs = () => (-Math.log(1 - next()) / cfg.rate) * 1000;
const start = performance.now();
const windowStart = start + cfg.warmupMs;
const end = windowStart + cfg.durationMs;
let due = start + gapMs();
let n = 0;
await new Promise<void>((resolve) => {
  const tick = () => {
    const now = performance.now();
    while (due <= now && due < end) {
      const counts = due >= windowStart;
      const i = Math.floor(next() * senders.length);
      const rid = `${i}.${n++}`;
      const at = performance.now();
      if (counts) lags.push(at - due);
      pending.set(rid, { at, counts });
      sent++;
      senders[i]!.send(
        `{"t":"send","rid":"${rid}","conv":"${cfg.pairs[i]!.conv}","clientId":"${runId}.${rid}","body":{"type":"text","text":"${at} ${counts ? 1 : 0} open-loop message"}}`,
      );
      due += gapMs();
    }
    if (due >= end) return resolve();
    setTimeout(tick, Math.max(0, due - performance.now() - 0.5));
  };
  tick();
});
// what is still unanswered gets up to 10 s
const drainDeadline = performance.now() + 10_000;
while ((pending.size > 0 || delivered < acked) && performance.now() < drainDeadline) await Bun.sleep(20);
for (const s of [...senders, ...receivers]) s.ws.close();

const q = (values: number[]) => {
  const s = summarize(values);
  const sorted = Float64Array.from(values).sort();
  const p999 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.999 * sorted.length) - 1)]! : NaN;
  return { p50: s.p50, p99: s.p99, p999, max: s.max, n: s.n };
};
console.log(
  JSON.stringify({
    rate: cfg.rate,
    seconds: cfg.durationMs / 1000,
    ackedPerSec: ackLatencies.length / (cfg.durationMs / 1000),
    ack: q(ackLatencies),
    delivery: q(deliveryLatencies),
    lag: q(lags),
    sent,
    acked,
    delivered,
    unanswered: pending.size,
    errors,
  }),
);
process.exit(0);
