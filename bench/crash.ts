// Crash safety at size: `npm run bench:crash` (flags: --pairs=N --window=W --kill-after-acks=K
// --rounds=R --sync=FULL, or env PAIRS, WINDOW, KILL_AFTER_ACKS, ROUNDS, SYNC).
// Each round: both users of N direct conversations send over WebSocket with W sends in flight,
// the server gets SIGKILL after K acks, restarts on the same data, every message is resent with
// its clientId; prints one JSON line per round and a total line.
import { runCrash } from "./lib/crash.ts";
import { emit, flag, numFlag } from "./lib/stats.ts";

const pairs = numFlag("pairs", 25);
const window = numFlag("window", 32);
const killAfterAcks = numFlag("kill-after-acks", 10_000);
const rounds = numFlag("rounds", 3);
const sync = flag("sync", "NORMAL").toUpperCase();

const keys = ["sent", "ackedBeforeKill", "inFlightAtKill", "resent", "resentAcked", "lost", "missing", "duplicates", "gaps", "changedSeqs", "unknown", "historyTotal"] as const;
const total: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
let errors = 0;
for (let round = 1; round <= rounds; round++) {
  const r = await runCrash({ pairs, window, killAfterAcks, maxLoadMs: 60_000, env: { DB_SYNCHRONOUS: sync } });
  for (const k of keys) total[k]! += r[k];
  errors += r.errors.length;
  emit({
    bench: "crash",
    round,
    sync,
    pairs,
    senders: pairs * 2,
    window,
    ...Object.fromEntries(keys.map((k) => [k, r[k]])),
    errors: r.errors.length,
    killedAtMs: r.killedAtMs,
    restartMs: r.restartMs,
    resendMs: r.resendMs,
    ackRateBeforeKill: r.ackedBeforeKill / (r.killedAtMs / 1000),
  });
  if (r.errors.length) console.error(r.errors.slice(0, 5).join("\n"));
}
const ok = total.lost === 0 && total.missing === 0 && total.duplicates === 0 && total.gaps === 0 && total.changedSeqs === 0 && total.unknown === 0 && errors === 0;
emit({ bench: "crash", round: "total", sync, rounds, ...total, errors, ok });
process.exit(ok ? 0 : 1);
