// The HTTP load generator, run as its own process by bench/http-send.ts:
//   bun bench/lib/load-http.ts <config.json>
// config: {url, mode: "healthz"|"send", concurrency, warmupMs, durationMs, bots: [{token, conv}]}
// `concurrency` requests in flight over keep-alive connections, each loop issuing the next
// request when the previous answered; "send" posts text messages with fresh clientIds, each loop
// as one bot into its own conversation. Prints one JSON line.
import { readFileSync } from "node:fs";
import { LoadPhases, summarize } from "./stats.ts";

interface Cfg {
  url: string;
  mode: "healthz" | "send";
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  bots: { token: string; conv: string }[];
}
const cfg: Cfg = JSON.parse(readFileSync(process.argv[2]!, "utf8"));

const phases = new LoadPhases();
let ok = 0;
let answered = 0; // warm-up included, for the server's CPU per request
const failures = new Map<number, number>();
const latencies: number[] = [];

async function loop(i: number): Promise<void> {
  const bot = cfg.bots[i % Math.max(1, cfg.bots.length)];
  for (let n = 0; !phases.stopping; n++) {
    const start = performance.now();
    const res =
      cfg.mode === "healthz"
        ? await fetch(`${cfg.url}/healthz`)
        : await fetch(`${cfg.url}/v1/conversations/${bot!.conv}/messages`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: `Bearer ${bot!.token}` },
            body: `{"clientId":"h${i}.${n}","body":{"type":"text","text":"bot message ${n}"}}`,
          });
    await res.arrayBuffer();
    answered++;
    if (!phases.measuring) continue;
    latencies.push(performance.now() - start);
    if (res.ok) ok++;
    else failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
  }
}

const loops = Array.from({ length: cfg.concurrency }, (_, i) => loop(i));
const seconds = await phases.run(cfg.warmupMs, cfg.durationMs);
await Promise.all(loops);

const lat = summarize(latencies);
console.log(
  JSON.stringify({
    mode: cfg.mode,
    concurrency: cfg.concurrency,
    seconds,
    requestsPerSec: ok / seconds,
    p50: lat.p50,
    p99: lat.p99,
    max: lat.max,
    ok,
    answered,
    failures: Object.fromEntries(failures),
  }),
);
process.exit(0);
