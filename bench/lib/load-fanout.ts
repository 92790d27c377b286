// The group fan-out load generator, run as its own process by bench/fanout.ts:
//   bun bench/lib/load-fanout.ts <config.json>
// config: {mode: "parley"|"relay", url, conv, window, warmupMs, durationMs, sender, receivers}
// where sender/receivers are {id, token}. One sender keeps `window` sends in flight into the
// group; every receiver counts what reaches it. Frames are not JSON-parsed on the receiving side
// (at hundreds of thousands of frames per second the generator would measure itself): the send
// time is read from the text ("t:<performance.now()> …"). Prints one JSON line.
import { readFileSync } from "node:fs";
import { LoadPhases, summarize } from "./stats.ts";
import { mapLimit } from "./users.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

interface Peer {
  id: string;
  token: string;
}
interface Cfg {
  mode: "parley" | "relay";
  url: string;
  conv: string;
  window: number;
  warmupMs: number;
  durationMs: number;
  sender: Peer;
  receivers: Peer[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

const open = (me: Peer): Promise<LeanWs> =>
  cfg.mode === "relay"
    ? openWs(`${wsUrl(cfg.url)}?id=${encodeURIComponent(me.id)}&room=${encodeURIComponent(cfg.conv)}`)
    : openWs(wsUrl(cfg.url), me.token);

const MARK = '"text":"t:';
const phases = new LoadPhases();
let delivered = 0;
let deliveredTotal = 0;
const latencies = new Float64Array(4_000_000);
let nLat = 0;
const closes: string[] = [];

const receivers = await mapLimit(cfg.receivers.length, 50, (i) => open(cfg.receivers[i]!));
let lastFrameAt = performance.now();
for (const [i, r] of receivers.entries()) {
  r.onText = (text) => {
    lastFrameAt = performance.now();
    const at = text.indexOf(MARK);
    if (at < 0) return;
    deliveredTotal++;
    if (!phases.measuring) return;
    delivered++;
    if (nLat < latencies.length) {
      const start = at + MARK.length;
      latencies[nLat++] = performance.now() - Number(text.slice(start, text.indexOf(" ", start)));
    }
  };
  void r.closed.then((c) => !phases.stopping && closes.push(`receiver ${i}: ${c.code} ${c.reason}`));
}

const sender = await open(cfg.sender);
// Members coming online announce themselves to each other (presence: n² frames for a group of
// n): the measurement starts once that has died down, so it counts message fan-out only.
const settleDeadline = performance.now() + 60_000;
while (performance.now() - lastFrameAt < 1_000 && performance.now() < settleDeadline) await Bun.sleep(100);
let inFlight = 0;
let sent = 0;
let acked = 0;
let ackedTotal = 0;
const errors: string[] = [];
const sendOne = () => {
  const rid = sent++;
  inFlight++;
  sender.send(`{"t":"send","rid":${rid},"conv":"${cfg.conv}","clientId":"f${rid}","body":{"type":"text","text":"t:${performance.now()} fan-out"}}`);
};
sender.onFrame = (f) => {
  if (f.t !== "ack" && f.t !== "error") return;
  inFlight--;
  if (f.t === "ack") {
    ackedTotal++;
    if (phases.measuring) acked++;
  } else if (errors.length < 10) errors.push(JSON.stringify(f));
  if (!phases.stopping) sendOne();
};
void sender.closed.then((c) => !phases.stopping && closes.push(`sender: ${c.code} ${c.reason}`));
for (let k = 0; k < cfg.window; k++) sendOne();

const seconds = await phases.run(cfg.warmupMs, cfg.durationMs);
const expected = () => ackedTotal * receivers.length;
const drainDeadline = performance.now() + 10_000;
while ((inFlight > 0 || deliveredTotal < expected()) && performance.now() < drainDeadline) await Bun.sleep(20);
for (const s of [sender, ...receivers]) s.ws.close();

const lat = summarize(latencies.subarray(0, nLat));
console.log(
  JSON.stringify({
    members: receivers.length + 1,
    window: cfg.window,
    seconds,
    msgsPerSec: acked / seconds,
    deliveriesPerSec: delivered / seconds,
    p50: lat.p50,
    p99: lat.p99,
    max: lat.max,
    ackedTotal,
    deliveredTotal,
    undelivered: expected() - deliveredTotal,
    errors,
    closes: closes.slice(0, 10),
  }),
);
process.exit(0);
