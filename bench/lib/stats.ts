// Percentiles, JSON-line output, /proc RSS, argv/env flags: shared by every bench.
import { readFileSync } from "node:fs";

/** p in [0,100], nearest-rank on a sorted copy; NaN when empty. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return sorted[rank]!;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) return { n, min: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { n, min: sorted[0]!, p50: at(50), p90: at(90), p99: at(99), max: sorted[n - 1]!, mean: sum / n };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** One JSON object per line on stdout (numbers rounded to 2 decimals). */
export function emit(record: Record<string, unknown>): void {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = typeof v === "number" ? round(v) : v;
  console.log(JSON.stringify(out));
}

/** Resident set size of a process in KiB (VmRSS from /proc/<pid>/status); NaN when unreadable. */
export function rssKiB(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Peak RSS (VmHWM) in KiB. */
export function peakRssKiB(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** Samples RSS every `everyMs`; stop() returns {maxKiB, lastKiB}. */
export function sampleRss(pid: number, everyMs = 200): { stop(): { maxKiB: number; lastKiB: number } } {
  let max = rssKiB(pid);
  let last = max;
  const t = setInterval(() => {
    last = rssKiB(pid);
    if (last > max || !Number.isFinite(max)) max = last;
  }, everyMs);
  return {
    stop() {
      clearInterval(t);
      return { maxKiB: max, lastKiB: last };
    },
  };
}

/**
 * Flags: `--name=value` on argv wins over env NAME (upper-cased, dashes → underscores), then the default.
 */
export function flag(name: string, def: string): string {
  const prefix = `--${name}=`;
  for (const a of process.argv.slice(2)) if (a.startsWith(prefix)) return a.slice(prefix.length);
  if (process.argv.includes(`--${name}`)) return "1";
  const env = process.env[name.toUpperCase().replace(/-/g, "_")];
  return env ?? def;
}
export const numFlag = (name: string, def: number): number => {
  const v = Number(flag(name, String(def)));
  if (!Number.isFinite(v)) throw new Error(`--${name}: not a number`);
  return v;
};
export const boolFlag = (name: string, def = false): boolean => ["1", "true", "yes"].includes(flag(name, def ? "1" : "0").toLowerCase());

/**
 * CPU seconds (user + system) a process used so far, from /proc/<pid>/stat; NaN when unreadable.
 * `mainThread`: only its main thread's (where a Bun server runs its JavaScript), not its helper
 * threads' (libSQL's checkpoints, the GC's).
 */
export function cpuSeconds(pid: number, mainThread = false): number {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields[11], fields[12] = utime, stime (fields 14 and 15 of the full line), in clock ticks
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** A load generator's timeline: warm-up, the measured window, then stopping (drain, report). */
export class LoadPhases {
  /** true only inside the measured window */
  measuring = false;
  /** true once the window is over: no new load */
  stopping = false;

  /** Runs warm-up and window; resolves with the window's length in seconds. */
  async run(warmupMs: number, durationMs: number): Promise<number> {
    await Bun.sleep(warmupMs);
    this.measuring = true;
    const t0 = performance.now();
    await Bun.sleep(durationMs);
    this.measuring = false;
    this.stopping = true;
    return (performance.now() - t0) / 1000;
  }
}

/**
 * Messages per group commit from a Parley /metrics text (parley_commit_batch_size's sum and count):
 * the mean batch size between two scrapes is the difference of their messages over that of their commits.
 */
export function commitBatches(metricsText: string): { messages: number; commits: number } {
  const value = (name: string) => Number(metricsText.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1] ?? NaN);
  return { messages: value("parley_commit_batch_size_sum"), commits: value("parley_commit_batch_size_count") };
}
