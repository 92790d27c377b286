// Everyday latency, open loop: `npm run bench:latency` (flags --pairs=N --fractions=0.1,0.3,0.6
// --duration-ms=D --warmup-ms=U --saturation-ms=S --seed=X --rates=R1,R2, or env PAIRS, FRACTIONS, ...).
// First the raw relay's saturation rate is measured in this run (bench/lib/load-1to1.ts: N pairs,
// 16 sends in flight each, msgs/s delivered). Then, for each fraction, the relay and Parley are
// offered the same Poisson arrivals (same rate, same seed) by bench/lib/load-open.ts: sends that
// arrive whether or not earlier ones were answered, as a day's traffic does. Printed per target
// and rate: ack latency (send → ack) and delivery latency (send → receiver) p50/p99/p99.9 in ms,
// and the server's CPU seconds over warm-up and run (serverCpuSec: every thread; serverMainCpuSec:
// the main thread, where JavaScript and SQLite run);
// then per rate Parley's p99 over the relay's. A server that cannot keep up with a rate shows it
// as growing latency and `unanswered` sends, not as a lower rate.
// --rates=500,2000 offers these rates (sends/s) instead, without a saturation run: two builds
// compared at the same load (the relay's saturation moves with the machine's load, and with it
// every fraction's rate).
import { runGenerator } from "./lib/generator.ts";
import { parleyPairs, relayPairs, type Pair } from "./lib/pairs.ts";
import type { Child } from "./lib/server.ts";
import { cpuSeconds, emit, flag, numFlag } from "./lib/stats.ts";

const pairCount = numFlag("pairs", 50);
const fractions = flag("fractions", "0.1,0.3,0.6").split(",").map(Number);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);
const saturationMs = numFlag("saturation-ms", 3_000);
const seed = numFlag("seed", 17);
const fixedRates = flag("rates", "").split(",").filter(Boolean).map(Number);

const relay = await relayPairs(pairCount);
const parley = await parleyPairs(pairCount);
const targets: Record<"raw-relay" | "parley", { child: Child; pairs: Pair[] }> = { "raw-relay": relay, parley };
try {
  const offered: { fraction?: number; rate: number }[] = fixedRates.map((rate) => ({ rate }));
  if (offered.length === 0) {
    const saturation = await runGenerator(
      "bench/lib/load-1to1.ts",
      { mode: "relay", url: relay.child.url, window: 16, warmupMs: 500, durationMs: saturationMs, pairs: relay.pairs },
      saturationMs + 30_000,
    );
    emit({ bench: "latency", target: "raw-relay", saturation: true, pairs: pairCount, window: 16, msgsPerSec: saturation.msgsPerSec });
    for (const fraction of fractions) offered.push({ fraction, rate: Math.round(fraction * saturation.msgsPerSec) });
  }
  for (const { fraction, rate } of offered) {
    const p99 = {} as Record<string, { ack: number; delivery: number }>;
    for (const [name, { child, pairs }] of Object.entries(targets)) {
      const [cpu0, main0] = [cpuSeconds(child.pid), cpuSeconds(child.pid, true)];
      const cfg = { mode: name === "raw-relay" ? "relay" : "parley", url: child.url, rate, warmupMs, durationMs, seed, pairs };
      const r = await runGenerator("bench/lib/load-open.ts", cfg, warmupMs + durationMs + 60_000);
      emit({
        bench: "latency",
        target: name,
        fraction,
        offeredPerSec: rate,
        ackedPerSec: r.ackedPerSec,
        ackP50: r.ack.p50,
        ackP99: r.ack.p99,
        ackP999: r.ack.p999,
        deliveryP50: r.delivery.p50,
        deliveryP99: r.delivery.p99,
        deliveryP999: r.delivery.p999,
        lagP99: r.lag.p99,
        unanswered: r.unanswered,
        undelivered: r.acked - r.delivered,
        errors: r.errors,
        serverCpuSec: cpuSeconds(child.pid) - cpu0,
        // the main thread alone (JavaScript and SQLite; not the GC's and runtime's other threads)
        serverMainCpuSec: cpuSeconds(child.pid, true) - main0,
      });
      p99[name] = { ack: r.ack.p99, delivery: r.delivery.p99 };
    }
    emit({
      bench: "latency",
      ratio: "parley/raw-relay",
      fraction,
      offeredPerSec: rate,
      ackP99Ratio: p99.parley!.ack / p99["raw-relay"]!.ack,
      deliveryP99Ratio: p99.parley!.delivery / p99["raw-relay"]!.delivery,
    });
  }
} finally {
  await relay.child.stop();
  await parley.child.stop();
}
