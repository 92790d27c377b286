// The soak load generator, run as its own process by bench/soak.ts:
//   bun bench/lib/load-soak.ts <config.json>
// Steady load for `minutes`: every user of `pairs` sends `ratePerSec` messages a second into its
// direct conversation over WebSocket; every second `reconnectsPerSec` random sockets are closed
// and opened again (hello, welcome); every second `readsPerSec` history pages are read over HTTP;
// every 5 minutes each user renews its tokens (POST /v1/auth/refresh), as clients do before
// their access token expires (ACCESS_TOKEN_TTL, 15 minutes by default).
// Prints one JSON line per minute (send→ack p50/p99, acks, reconnects, reads, errors) as it goes.
import { readFileSync } from "node:fs";
import { summarize } from "./stats.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

interface Cfg {
  url: string;
  minutes: number;
  ratePerSec: number;
  reconnectsPerSec: number;
  readsPerSec: number;
  users: { token: string; refreshToken: string; conv: string }[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

let latencies: number[] = [];
let acks = 0;
let reconnects = 0;
let reads = 0;
let errors = 0;
const sentAt = new Map<string, number>();
let nextRid = 0;

interface Peer {
  user: Cfg["users"][number];
  ws: LeanWs | null;
}
const peers: Peer[] = cfg.users.map((user) => ({ user, ws: null }));

async function connect(peer: Peer): Promise<void> {
  const ws = await openWs(wsUrl(cfg.url), peer.user.token);
  ws.onFrame = (f) => {
    if (f.t === "ack") {
      const at = sentAt.get(f.rid);
      sentAt.delete(f.rid);
      if (at !== undefined) latencies.push(performance.now() - at);
      acks++;
    } else if (f.t === "error") errors++;
  };
  peer.ws = ws;
}
await Promise.all(peers.map(connect));

const started = Date.now();
const end = started + cfg.minutes * 60_000;
const every = (ms: number, fn: () => void) => setInterval(fn, ms);
const senders = every(1000 / cfg.ratePerSec, () => {
  for (const peer of peers) {
    if (!peer.ws || peer.ws.ws.readyState !== WebSocket.OPEN) continue;
    const rid = `s${nextRid++}`;
    sentAt.set(rid, performance.now());
    peer.ws.send({ t: "send", rid, conv: peer.user.conv, clientId: rid, body: { type: "text", text: `soak ${rid}` } });
  }
});
const churn = every(1000, () => {
  for (let i = 0; i < cfg.reconnectsPerSec; i++) {
    const peer = peers[Math.floor(Math.random() * peers.length)]!;
    if (!peer.ws) continue;
    peer.ws.ws.close();
    peer.ws = null;
    connect(peer).then(() => reconnects++, () => errors++);
  }
});
const REFRESH_MS = 5 * 60_000;
const refresher = every(REFRESH_MS, () => {
  for (const user of cfg.users) {
    fetch(`${cfg.url}/v1/auth/refresh`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ refreshToken: user.refreshToken }) }).then(
      async (res) => {
        if (!res.ok) return void errors++;
        const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
        user.token = tokens.accessToken;
        user.refreshToken = tokens.refreshToken;
      },
      () => errors++,
    );
  }
});
const readers = every(1000, () => {
  for (let i = 0; i < cfg.readsPerSec; i++) {
    const peer = peers[Math.floor(Math.random() * peers.length)]!;
    fetch(`${cfg.url}/v1/conversations/${peer.user.conv}/messages?limit=50`, { headers: { Authorization: `Bearer ${peer.user.token}` } })
      .then(
        async (res) => {
          await res.arrayBuffer();
          if (res.ok) reads++;
          else errors++;
        },
        () => errors++,
      );
  }
});

for (let minute = 1; Date.now() < end; minute++) {
  await Bun.sleep(Math.min(60_000, end - Date.now()));
  const lat = summarize(latencies);
  console.log(JSON.stringify({ minute, acks, ackP50Ms: lat.p50, ackP99Ms: lat.p99, reconnects, reads, errors, unanswered: sentAt.size }));
  latencies = [];
  acks = reconnects = reads = errors = 0;
}
clearInterval(senders);
clearInterval(churn);
clearInterval(readers);
clearInterval(refresher);
for (const peer of peers) peer.ws?.ws.close();
process.exit(0);
