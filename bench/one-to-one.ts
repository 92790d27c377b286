// 1:1 throughput and latency: `npm run bench:1to1` (flags --pairs=N --window=W --duration-ms=D
// --warmup-ms=U --repeat=R --full, or env PAIRS, WINDOW, DURATION_MS, WARMUP_MS, REPEAT, FULL=1).
// N sender/receiver pairs, each pair its own direct conversation, each sender W sends in flight.
// Targets, in this order, each a child process on 127.0.0.1 driven by the SAME load generator in
// its own process (bench/lib/load-1to1.ts): bench/raw-relay.ts (the baseline: no auth, no
// persistence), Parley (DB_SYNCHRONOUS=NORMAL), Parley without the search index (SEARCH_INDEX=off:
// what indexing costs the send path), and with --full Parley with DB_SYNCHRONOUS=FULL.
// Prints a JSON line per target and run, then a ratio line per Parley variant against the relay
// (medians over runs), and one of Parley with search against Parley without. With search, each
// run also says how far the index was behind the log when the load stopped (searchBehind, entries)
// and how long it then took to catch up (searchCaughtUpMs): at saturation the indexer takes only
// its share of the thread (src/core/search-indexer.ts), so search falls behind.
import { createClient } from "@libsql/client";
import { runGenerator } from "./lib/generator.ts";
import { parleyPairs, relayPairs } from "./lib/pairs.ts";
import { boolFlag, cpuSeconds, emit, median, numFlag, peakRssKiB } from "./lib/stats.ts";

const pairs = numFlag("pairs", 50);
const window = numFlag("window", 10);
const durationMs = numFlag("duration-ms", 5_000);
const warmupMs = numFlag("warmup-ms", 1_000);
const repeat = numFlag("repeat", 1);
const full = boolFlag("full");

type Target = "raw-relay" | "parley" | "parley-nosearch" | "parley-full";
const targets: Target[] = ["raw-relay", "parley", "parley-nosearch", ...(full ? (["parley-full"] as const) : [])];

function start(target: Target) {
  if (target === "raw-relay") return relayPairs(pairs);
  return parleyPairs(pairs, {
    DB_SYNCHRONOUS: target === "parley-full" ? "FULL" : "NORMAL",
    SEARCH_INDEX: target === "parley-nosearch" ? "off" : "on",
  });
}

/** Entries of the server's log not in its search index yet, read from its database file (WAL: a reader never blocks the server). */
async function searchBehind(dataDir: string): Promise<number> {
  const db = createClient({ url: `file:${dataDir}/parley.db` });
  try {
    const { rows } = await db.execute(`SELECT coalesce(sum(c.last_seq - coalesce(p.seq, 0)), 0) AS behind
      FROM conversations c LEFT JOIN search_positions p ON p.conv_id = c.id`);
    return Number(rows[0]!.behind);
  } finally {
    db.close();
  }
}

/** How far the index is behind when the load stops, and how long it takes to catch up (polled every 20 ms). */
async function searchLag(dataDir: string): Promise<{ searchBehind: number; searchCaughtUpMs: number }> {
  const stopped = performance.now();
  const behind = await searchBehind(dataDir);
  while ((await searchBehind(dataDir)) > 0) await Bun.sleep(20);
  return { searchBehind: behind, searchCaughtUpMs: Math.round(performance.now() - stopped) };
}

async function runOnce(target: Target, run: number): Promise<Record<string, any>> {
  const { child, pairs: cfgPairs } = await start(target);
  try {
    const cfg = { mode: target === "raw-relay" ? "relay" : "parley", url: child.url, window, warmupMs, durationMs, pairs: cfgPairs };
    const cpu0 = cpuSeconds(child.pid);
    const result = await runGenerator("bench/lib/load-1to1.ts", cfg, warmupMs + durationMs + 30_000);
    const serverCpuSec = cpuSeconds(child.pid) - cpu0;
    const lag = target === "parley" && "dataDir" in child ? await searchLag(String(child.dataDir)) : {};
    const record = { bench: "1to1", target, run, ...result, serverCpuSec, serverPeakRssMiB: peakRssKiB(child.pid) / 1024, ...lag };
    emit(record);
    return record;
  } finally {
    await child.stop();
  }
}

const results = new Map<Target, Record<string, any>[]>(targets.map((t) => [t, []]));
for (let run = 1; run <= repeat; run++) {
  // interleaved, so noise from other processes on the machine hits every target alike
  for (const t of targets) results.get(t)!.push(await runOnce(t, run));
}
const relay = results.get("raw-relay")!;
const relayTput = median(relay.map((r) => r.msgsPerSec));
const relayP99 = median(relay.map((r) => r.p99));
for (const t of targets) {
  if (t === "raw-relay") continue;
  const rs = results.get(t)!;
  const tput = median(rs.map((r) => r.msgsPerSec));
  const p99 = median(rs.map((r) => r.p99));
  emit({
    bench: "1to1",
    ratio: `${t}/raw-relay`,
    pairs,
    window,
    runs: repeat,
    relayMsgsPerSec: relayTput,
    msgsPerSec: tput,
    relayP99: relayP99,
    p99,
    throughputRatio: Number((tput / relayTput).toFixed(3)),
    p99Ratio: Number((p99 / relayP99).toFixed(3)),
  });
}
const withSearch = results.get("parley")!;
const withoutSearch = results.get("parley-nosearch")!;
emit({
  bench: "1to1",
  ratio: "parley/parley-nosearch",
  runs: repeat,
  throughputRatio: Number((median(withSearch.map((r) => r.msgsPerSec)) / median(withoutSearch.map((r) => r.msgsPerSec))).toFixed(3)),
  p99Ratio: Number((median(withSearch.map((r) => r.p99)) / median(withoutSearch.map((r) => r.p99))).toFixed(3)),
  searchBehind: median(withSearch.map((r) => r.searchBehind)),
  searchCaughtUpMs: median(withSearch.map((r) => r.searchCaughtUpMs)),
});
