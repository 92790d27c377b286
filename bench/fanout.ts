// Group fan-out: `npm run bench:fanout` (flags --sizes=10,100,1000 --window=W --duration-ms=D
// --warmup-ms=U, or env SIZES, WINDOW, DURATION_MS, WARMUP_MS).
// For each group size: one sender keeps W sends in flight into a group whose other members are
// all connected; deliveries/s counts msg frames reaching receivers, p50/p99 is send → receive.
// Baseline in the same run: bench/raw-relay.ts broadcasting each frame to a room of the same size
// (no auth, no persistence). Load comes from bench/lib/load-fanout.ts in its own process.
import { runGenerator } from "./lib/generator.ts";
import { benchEnv, spawnChild, spawnParley, type Child } from "./lib/server.ts";
import { cpuSeconds, emit, flag, numFlag } from "./lib/stats.ts";
import { registerUsers } from "./lib/users.ts";

const sizes = flag("sizes", "10,100,1000").split(",").map(Number);
const window = numFlag("window", 32);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);

type Peer = { id: string; token: string };

async function raw(size: number): Promise<{ child: Child; sender: Peer; receivers: Peer[]; conv: string }> {
  const child = await spawnChild({ args: ["bench/raw-relay.ts"], env: benchEnv() });
  const peers = Array.from({ length: size }, (_, i) => ({ id: `u${i}`, token: "" }));
  return { child, sender: peers[0]!, receivers: peers.slice(1), conv: "room" };
}

async function parley(size: number): Promise<{ child: Child; sender: Peer; receivers: Peer[]; conv: string }> {
  // the bench measures fan-out, not the sender's per-socket frame limit
  const child = await spawnParley({ env: { WS_FRAMES_PER_SEC: "1000000", WS_FRAME_BURST: "1000000" } });
  const users = await registerUsers(child.url, size);
  const peers = users.map((u) => ({ id: u.id, token: u.accessToken }));
  const res = await fetch(`${child.url}/v1/conversations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${peers[0]!.token}` },
    body: JSON.stringify({ kind: "group", title: `fan-out ${size}`, members: peers.slice(1).map((p) => p.id) }),
  });
  if (res.status !== 201) throw new Error(`group: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  return { child, sender: peers[0]!, receivers: peers.slice(1), conv: id };
}

for (const size of sizes) {
  const results: Record<string, Record<string, any>> = {};
  for (const target of ["raw-relay", "parley"] as const) {
    const { child, ...peers } = await (target === "raw-relay" ? raw(size) : parley(size));
    try {
      const cpu0 = cpuSeconds(child.pid);
      const cfg = { mode: target === "raw-relay" ? "relay" : "parley", url: child.url, window, warmupMs, durationMs, ...peers };
      const result = await runGenerator("bench/lib/load-fanout.ts", cfg, warmupMs + durationMs + 60_000);
      results[target] = result;
      emit({ bench: "fanout", target, ...result, serverCpuSec: cpuSeconds(child.pid) - cpu0 });
    } finally {
      await child.stop();
    }
  }
  const [relay, ours] = [results["raw-relay"]!, results.parley!];
  emit({
    bench: "fanout",
    ratio: "parley/raw-relay",
    members: size,
    window,
    relayDeliveriesPerSec: relay.deliveriesPerSec,
    deliveriesPerSec: ours.deliveriesPerSec,
    relayP99: relay.p99,
    p99: ours.p99,
    throughputRatio: ours.deliveriesPerSec / relay.deliveriesPerSec,
    p99Ratio: ours.p99 / relay.p99,
  });
}
