// Opens idle sockets for bench/connections.ts, in its own process:
//   bun bench/lib/load-connections.ts <config.json>
// config: {mode: "parley"|"relay", url, sockets, users: [{id, token}]}. Socket i belongs to user
// i % users.length with device "d<i>"; in "parley" mode each says hello and waits for welcome.
// Prints {"opened": n, "ms": …} once all are open, then holds them, answering nothing, until
// killed (the server must keep them without traffic: heartbeats are far off).
import { readFileSync } from "node:fs";
import { mapLimit } from "./users.ts";
import { openWs, wsUrl, type LeanWs } from "./ws.ts";

interface Cfg {
  mode: "parley" | "relay";
  url: string;
  sockets: number;
  users: { id: string; token: string }[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

const t0 = performance.now();
const open: LeanWs[] = await mapLimit(cfg.sockets, 100, async (i) => {
  const user = cfg.users[i % cfg.users.length]!;
  if (cfg.mode === "relay") return openWs(`${wsUrl(cfg.url)}?id=${user.id}.${i}`);
  const ws = await openWs(wsUrl(cfg.url));
  await new Promise<void>((resolve, reject) => {
    ws.onFrame = (f) => (f.t === "welcome" ? resolve() : reject(new Error(JSON.stringify(f))));
    ws.send({ t: "hello", token: user.token, device: `d${i}` });
  });
  ws.onFrame = () => {};
  return ws;
});
let closed = 0;
for (const ws of open) void ws.closed.then(() => closed++);
console.log(JSON.stringify({ opened: open.length, ms: performance.now() - t0 }));
setInterval(() => closed && console.log(JSON.stringify({ closed })), 1000);
