// The 1:1 load generator, run as its own process by bench/one-to-one.ts (never inside a server):
//   bun bench/lib/load-1to1.ts <config.json>
// config: {mode: "parley"|"relay", url, window, warmupMs, durationMs, pairs: [{sender, receiver, conv}]}
// where sender/receiver are {id, token}. Mode "relay" skips hello and names the peer in the URL.
// Each sender keeps `window` sends in flight (the next one goes on each ack); the text carries the
// send time (performance.now(), same process as the receiver). Prints one JSON line.
import { readFileSync } from "node:fs";
import { LoadPhases, summarize } from "./stats.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

interface Cfg {
  mode: "parley" | "relay";
  url: string;
  window: number;
  warmupMs: number;
  durationMs: number;
  pairs: { sender: { id: string; token: string }; receiver: { id: string; token: string }; conv: string }[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

const open = (me: { id: string; token: string }, peer: { id: string }): Promise<LeanWs> =>
  cfg.mode === "relay"
    ? openWs(`${wsUrl(cfg.url)}?id=${encodeURIComponent(me.id)}&peer=${encodeURIComponent(peer.id)}`)
    : openWs(wsUrl(cfg.url), me.token);

const receivers = await Promise.all(cfg.pairs.map((p) => open(p.receiver, p.sender)));
const senders = await Promise.all(cfg.pairs.map((p) => open(p.sender, p.receiver)));

const phases = new LoadPhases();
const latencies: number[] = [];
const ackLatencies: number[] = [];
let delivered = 0;
let acked = 0;
let sentTotal = 0;
let ackedTotal = 0;
let deliveredTotal = 0;
const errors: string[] = [];
const closes: string[] = [];

receivers.forEach((r, i) => {
  r.onFrame = (f) => {
    if (f.t !== "msg" && f.t !== "send") return;
    deliveredTotal++;
    if (!phases.measuring) return;
    const now = performance.now();
    const sentAt = Number((f.body.text as string).slice(2, (f.body.text as string).indexOf(" ")));
    delivered++;
    latencies.push(now - sentAt);
  };
  void r.closed.then((c) => !phases.stopping && closes.push(`receiver ${i}: ${c.code} ${c.reason}`));
});

let inFlight = 0;
senders.forEach((s, i) => {
  const conv = cfg.pairs[i]!.conv;
  let n = 0;
  const sentAt = new Map<string, number>();
  const sendOne = () => {
    const rid = `${i}.${n++}`;
    const now = performance.now();
    sentAt.set(rid, now);
    inFlight++;
    sentTotal++;
    s.send(`{"t":"send","rid":"${rid}","conv":"${conv}","clientId":"${rid}","body":{"type":"text","text":"t:${now} hello from ${i}"}}`);
  };
  s.onFrame = (f) => {
    if (f.t === "ack") {
      inFlight--;
      ackedTotal++;
      const at = sentAt.get(f.rid);
      sentAt.delete(f.rid);
      if (phases.measuring && at !== undefined) {
        acked++;
        ackLatencies.push(performance.now() - at);
      }
      if (!phases.stopping) sendOne();
    } else if (f.t === "error") {
      inFlight--;
      if (errors.length < 10) errors.push(JSON.stringify(f));
      if (!phases.stopping) sendOne();
    }
  };
  void s.closed.then((c) => !phases.stopping && closes.push(`sender ${i}: ${c.code} ${c.reason}`));
  for (let k = 0; k < cfg.window; k++) sendOne();
});

const elapsed = await phases.run(cfg.warmupMs, cfg.durationMs);
// drain what is in flight (bounded)
const drainDeadline = performance.now() + 5_000;
while ((inFlight > 0 || deliveredTotal < ackedTotal) && performance.now() < drainDeadline) await Bun.sleep(20);
for (const s of [...senders, ...receivers]) s.ws.close();

const lat = summarize(latencies);
const ackLat = summarize(ackLatencies);
console.log(
  JSON.stringify({
    pairs: cfg.pairs.length,
    window: cfg.window,
    seconds: elapsed,
    delivered,
    msgsPerSec: delivered / elapsed,
    ackedPerSec: acked / elapsed,
    p50: lat.p50,
    p90: lat.p90,
    p99: lat.p99,
    max: lat.max,
    ackP50: ackLat.p50,
    ackP99: ackLat.p99,
    sentTotal,
    ackedTotal,
    deliveredTotal,
    undelivered: ackedTotal - deliveredTotal,
    errors,
    closes: closes.slice(0, 10),
  }),
);
process.exit(0);
