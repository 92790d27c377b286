// The edge build under `wrangler dev` (local workerd): `npm run bench:edge` (flags --sizes=2,100
// --window=W --duration-ms=D --warmup-ms=U). For each group size (2 = a 1:1 conversation), the
// Worker runs twice in the same run, once per LOG_PLACEMENT: "shared" (each batch committed to
// the local D1 database) and "object" (in the conversation's Durable Object's own SQLite). One
// sender keeps W sends in flight, every other member is connected; deliveries/s counts msg frames
// reaching receivers, p50/p99 is send → receive (bench/lib/load-fanout.ts, as bench:fanout).
// Only the ratio object/shared means something here: both run on this machine's disk, one
// workerd process, no network (README "Running on Cloudflare Workers").
import { startWorkers } from "../test/support/wrangler.ts";
import { BENCH_JWT_SECRET } from "./lib/server.ts";
import { runGenerator } from "./lib/generator.ts";
import { emit, flag, numFlag, round } from "./lib/stats.ts";
import { registerUsers } from "./lib/users.ts";

const sizes = flag("sizes", "2,100").split(",").map(Number);
const window = numFlag("window", 32);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);
const placements = ["shared", "object"] as const;

const vars = (placement: string) => ({
  JWT_SECRET: BENCH_JWT_SECRET,
  LOG_LEVEL: "error",
  LOG_PLACEMENT: placement,
  PBKDF2_ITERATIONS: "1000",
  AUTH_RATE_LIMIT_PER_IP: "0",
  // the bench measures commits and fan-out, not the sender's per-socket limits
  WS_FRAMES_PER_SEC: "1000000",
  WS_FRAME_BURST: "1000000",
  WS_MAX_IN_FLIGHT: "1000",
});

for (const size of sizes) {
  const results: Record<string, Record<string, any>> = {};
  for (const placement of placements) {
    const w = await startWorkers({ vars: vars(placement), timeoutMs: 60_000 });
    try {
      const users = await registerUsers(w.url, size, 8, `e${placement[0]}`);
      const peers = users.map((u) => ({ id: u.id, token: u.accessToken }));
      const res = await fetch(`${w.url}/v1/conversations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${peers[0]!.token}` },
        body: JSON.stringify(size === 2 ? { kind: "direct", with: peers[1]!.id } : { kind: "group", title: `fan-out ${size}`, members: peers.slice(1).map((p) => p.id) }),
      });
      if (res.status !== 201) throw new Error(`conversation: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const cfg = { mode: "parley", url: w.url, conv: id, window, warmupMs, durationMs, sender: peers[0], receivers: peers.slice(1) };
      results[placement] = await runGenerator("bench/lib/load-fanout.ts", cfg, warmupMs + durationMs + 120_000);
      emit({ bench: "edge", placement, members: size, ...results[placement] });
    } finally {
      await w.stop();
    }
  }
  const [shared, object] = [results.shared!, results.object!];
  emit({
    bench: "edge",
    ratio: "object/shared",
    members: size,
    window,
    sharedDeliveriesPerSec: shared.deliveriesPerSec,
    objectDeliveriesPerSec: object.deliveriesPerSec,
    sharedP99: shared.p99,
    objectP99: object.p99,
    throughputRatio: round(object.deliveriesPerSec / shared.deliveriesPerSec),
    p99Ratio: round(object.p99 / shared.p99),
  });
}
