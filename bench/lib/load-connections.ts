// Opens idle sockets for bench/connections.ts, in its own process:
//   bun bench/lib/load-connections.ts <config.json>
// config: {mode: "parley"|"relay", url, sockets, users: [{id, token}], heartbeatMs}. Socket i
// belongs to user i % users.length with device "d<i>"; in "parley" mode each says hello and waits
// for welcome. Prints {"opened": n, "ms": …} once all are open, then holds them. Idle as a client
// is idle: each socket sends a ping once per heartbeatMs (spread over the period, as clients that
// connected at different times do), or the server would close it as silent (2 × heartbeat) before
// a large run has finished opening. The relay answers a ping like any frame (an ack).
// A line "check" on stdin pings every socket once more and prints {"answered": n, "closed": c,
// "codes": {code: n}}: n sockets answered (Parley answers pong only on an authenticated socket), c
// closed so far, by close code.
import { readFileSync } from "node:fs";
import { mapLimit } from "./users.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

interface Cfg {
  mode: "parley" | "relay";
  url: string;
  sockets: number;
  users: { id: string; token: string }[];
  heartbeatMs: number;
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

const TICK_MS = 1_000;
const slots = Math.max(1, Math.floor(cfg.heartbeatMs / TICK_MS));
const open: LeanWs[] = [];
const started = Date.now();
let slotsDone = 0;
// By the clock, not by ticks: a busy loop fires fewer ticks, and a socket must not go silent.
setInterval(() => {
  const due = Math.floor((Date.now() - started) / TICK_MS);
  slotsDone = Math.max(slotsDone, due - slots); // a whole period behind: every socket once
  for (; slotsDone < due; slotsDone++) {
    for (let i = slotsDone % slots; i < open.length; i += slots) if (open[i]!.ws.readyState === WebSocket.OPEN) open[i]!.send({ t: "ping" });
  }
}, TICK_MS);

const t0 = performance.now();
await mapLimit(cfg.sockets, 100, async (i) => {
  const user = cfg.users[i % cfg.users.length]!;
  let ws: LeanWs;
  if (cfg.mode === "relay") ws = await openWs(`${wsUrl(cfg.url)}?id=${user.id}.${i}`);
  else {
    ws = await openWs(wsUrl(cfg.url));
    await new Promise<void>((resolve, reject) => {
      ws.onFrame = (f) => (f.t === "welcome" ? resolve() : reject(new Error(JSON.stringify(f))));
      ws.send({ t: "hello", token: user.token, device: `d${i}` });
    });
  }
  ws.onFrame = () => {};
  open.push(ws);
});
let closed = 0;
/** close code → sockets closed with it */
const codes: Record<number, number> = {};
for (const ws of open) void ws.closed.then(({ code }) => (closed++, (codes[code] = (codes[code] ?? 0) + 1)));
console.log(JSON.stringify({ opened: open.length, ms: performance.now() - t0 }));

/** Pings every socket with rid "check"; counts the sockets that answer it within `timeoutMs`. */
async function check(timeoutMs = 30_000): Promise<number> {
  let answered = 0;
  const all = new Promise<void>((resolve) => {
    for (const ws of open) {
      ws.onFrame = (f) => {
        if (f.rid !== "check") return;
        ws.onFrame = () => {};
        if (++answered === open.length) resolve();
      };
      if (ws.ws.readyState === WebSocket.OPEN) ws.send({ t: "ping", rid: "check" });
    }
  });
  await Promise.race([all, Bun.sleep(timeoutMs)]);
  return answered;
}

process.stdin.on("data", async (chunk: Buffer) => {
  if (chunk.toString().includes("check")) console.log(JSON.stringify({ answered: await check(), closed, codes }));
});
