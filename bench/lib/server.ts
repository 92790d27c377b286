// Parley (or any script) as a child process for benchmarks: its own env, a temp DATA_DIR,
// /healthz wait, stop (SIGTERM, then SIGKILL) and kill -9. Never runs the server in the caller's
// event loop.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BENCH_JWT_SECRET = "parley-bench-secret-0123456789-abcdefghijklmnop";

/** A benchmark server's settings: cheap argon2, no auth rate limit, quiet logs. */
export const BENCH_SETTINGS = {
  JWT_SECRET: BENCH_JWT_SECRET,
  LOG_LEVEL: "warning",
  ARGON2_MEMORY_KIB: "1024",
  ARGON2_TIME_COST: "1",
  AUTH_RATE_LIMIT_PER_IP: "0",
  AUTH_FAILURE_LIMIT_PER_IP: "0",
};

/** Env for a benchmark server: BENCH_SETTINGS, no Upstash. */
export function benchEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("UPSTASH_")) env[k] = v;
  return { ...env, ...BENCH_SETTINGS, ...extra };
}

export function tempDir(prefix = "parley-bench-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Child {
  url: string;
  port: number;
  proc: Subprocess;
  pid: number;
  output(): string;
  /** SIGTERM, SIGKILL after 5 s */
  stop(): Promise<void>;
  /** SIGKILL now, resolves when the process is gone */
  kill9(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bind to 0, read it, release it). */
export function freePort(): number {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** The open-file hard limit of processes started here (RLIMIT_NOFILE, as `ulimit -Hn` reads it). */
export function fileHardLimit(): number {
  const out = Bun.spawnSync(["sh", "-c", "ulimit -Hn"]).stdout.toString().trim();
  return out === "unlimited" ? Number.MAX_SAFE_INTEGER : Number(out);
}

/**
 * The command with its open-file soft limit raised to the hard limit first (a process may raise
 * its own soft limit that far; past it needs CAP_SYS_RESOURCE). For benches that hold many sockets.
 */
export const withMaxFiles = (cmd: string[]): string[] => ["sh", "-c", 'ulimit -Sn "$(ulimit -Hn)" && exec "$0" "$@"', ...cmd];

/**
 * Spawns `args` (default: Parley's main.ts) with env PORT=<port>, waits for GET /healthz → 200.
 * For Parley, DATA_DIR must be in env (see spawnParley).
 */
export async function spawnChild(opts: {
  args?: string[];
  env: Record<string, string>;
  port?: number;
  healthPath?: string;
  timeoutMs?: number;
  /** raise the open-file soft limit to the hard limit (withMaxFiles) */
  maxFiles?: boolean;
}): Promise<Child> {
  const port = opts.port ?? freePort();
  // BENCH_CPU_PROF=<dir>: Parley writes a CPU profile (.cpuprofile) there when it stops
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const args = opts.args ?? [...profile, "src/adapter/bun/main.ts"];
  const cmd = [process.execPath, ...args];
  const proc = Bun.spawn(opts.maxFiles ? withMaxFiles(cmd) : cmd, {
    cwd: ROOT,
    env: { ...opts.env, PORT: String(port) },
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const dec = new TextDecoder();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        out += dec.decode(r.value, { stream: true });
        if (out.length > 200_000) out = out.slice(-100_000);
      }
    } catch {}
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);
  const url = `http://127.0.0.1:${port}`;
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const stop = async () => {
    if (alive()) proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };
  const kill9 = async () => {
    if (alive()) proc.kill("SIGKILL");
    await proc.exited;
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (!alive()) throw new Error(`child exited (${proc.exitCode ?? proc.signalCode}):\n${out}`);
    const ok = await fetch(url + (opts.healthPath ?? "/healthz")).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await kill9();
      throw new Error(`${url} not healthy in time:\n${out}`);
    }
    await Bun.sleep(25);
  }
  return { url, port, proc, pid: proc.pid, output: () => out, stop, kill9 };
}

/** Parley's main.ts on `dataDir` (created if not given; removed by stop() only if created here). */
export async function spawnParley(
  opts: { dataDir?: string; env?: Record<string, string>; port?: number; maxFiles?: boolean } = {},
): Promise<Child & { dataDir: string }> {
  const own = opts.dataDir ? undefined : tempDir();
  const dataDir = opts.dataDir ?? own!.dir;
  const child = await spawnChild({ env: benchEnv({ DATA_DIR: dataDir, ...opts.env }), port: opts.port, maxFiles: opts.maxFiles });
  return {
    ...child,
    dataDir,
    stop: async () => {
      await child.stop();
      own?.remove();
    },
  };
}
