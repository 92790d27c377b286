// Parley's Worker under `wrangler dev` (workerd, locally, no account) on a fresh local D1 database
// in a temp --persist-to directory. The Worker applies the drizzle migrations itself on its first
// request, so "started" = /healthz answered 200.
//
// What runs is the bundle `wrangler deploy` would upload: built once per test process with
// `wrangler deploy --dry-run --outdir`, then served by `wrangler dev --no-bundle`. That saves the
// build on every start, and a server under test never reloads because a source file changed
// while the suite runs (wrangler dev answers in-flight POSTs 503 when it reloads).
//
// Requests go straight to workerd's socket for the Worker, not through the proxy in front of it
// that `wrangler dev` prints as its address: that proxy sometimes fails a POST with a 503 "Your
// worker restarted mid-request" that the Worker never saw (a pooled connection to workerd that
// had just been closed, or one left unusable by a chunked body the Worker did not read:
// workers-sdk#14641, #15709). The Worker's address is read from wrangler's debug log.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWeb, writeWeb } from "../../src/web/build.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const wranglerBin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
// wrangler is a Node program: run it with node even when the tests run on Bun.
const node = process.versions.bun ? "node" : process.execPath;
const wranglerEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" };

export interface WorkersTarget {
  kind: "workers";
  /** origin of the Worker itself, e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  /** origin of wrangler dev's proxy in front of it (what `wrangler dev` prints) */
  proxyUrl: string;
  /** the --persist-to directory (the local D1 database lives under v3/d1/) */
  persistDir: string;
  /** everything wrangler and the Worker printed so far */
  output(): string;
  /** `crash`: SIGKILL at once (no shutdown, timers never fire), as a machine failing would */
  stop(opts?: { crash?: boolean }): Promise<void>;
}

export interface StartWorkersOptions {
  /** [vars] for the Worker (--var NAME:VALUE), e.g. JWT_SECRET */
  vars?: Record<string, string>;
  /** reuse a persistence directory (kept on stop) instead of a fresh temp one (removed on stop) */
  persistDir?: string;
  timeoutMs?: number;
  /** which /healthz status means "started" (default: 200; a test of a misconfigured Worker takes any) */
  ready?: (status: number) => boolean;
}

/** How much of wrangler's output is kept for output(): the debug log is chatty. */
const OUTPUT_TAIL = 256 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [wranglerBin, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: wranglerEnv });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.join(" ")} exited with ${code}:\n${out}`))));
  });
}

let bundle: Promise<{ script: string; assets: string }> | undefined;

/**
 * The deployable bundle (its worker.js) and its static assets (the web app, built here rather
 * than in dist/web so that no other build changes them under a running server), built once per
 * process and removed at exit.
 */
export function workerBundle(): Promise<{ script: string; assets: string }> {
  bundle ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-worker-bundle-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const assets = join(dir, "web");
    writeWeb(await buildWeb(), assets);
    await run(["deploy", "--dry-run", "--outdir", dir, "--assets", assets]);
    return { script: join(dir, "worker.js"), assets };
  })();
  return bundle;
}

// Should the test process end without stop() (a timed-out hook: bun then kills wrangler alone),
// no workerd of ours outlives it.
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) signalGroup(child, "SIGKILL");
});

/** A TCP port that was free a moment ago. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Signals wrangler's whole process group (wrangler and its workerd children). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-child.pid!, signal);
    return true;
  } catch {
    return false; // no such group any more
  }
}

export async function startWorkers(options: StartWorkersOptions = {}): Promise<WorkersTarget> {
  const timeoutMs = options.timeoutMs ?? 20_000; // below `npm test`'s 30 s per hook, to fail with wrangler's output
  const { script, assets } = await workerBundle();
  const ownDir = options.persistDir === undefined;
  const persistDir = options.persistDir ?? mkdtempSync(join(tmpdir(), "parley-workers-"));
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  const child = spawn(
    node,
    [
      wranglerBin, "dev", script,
      "--config", join(root, "wrangler.toml"),
      "--no-bundle",
      "--assets", assets,
      "--local",
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(inspectorPort),
      "--persist-to", persistDir,
      "--show-interactive-dev-session=false",
      "--log-level", "debug", // for the Worker's address; also shows the Worker's console output
      ...vars,
    ],
    // its own process group, so stop() reaches workerd too, whatever wrangler does on a signal
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"], env: wranglerEnv },
  );
  running.add(child);
  child.once("exit", () => running.delete(child));
  let out = "";
  let workerAddress: string | undefined;
  const collect = (d: Buffer) => {
    out += d.toString();
    workerAddress = workerUrl(out.slice(-4096 - d.length)) ?? workerAddress;
    if (out.length > 2 * OUTPUT_TAIL) out = out.slice(-OUTPUT_TAIL);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);

  let stopped = false;
  const stop = async ({ crash = false } = {}) => {
    if (!stopped) {
      stopped = true;
      if (!crash) {
        signalGroup(child, "SIGTERM");
        await Promise.race([exited(child), sleep(5000)]);
      }
      // wrangler is gone (or stuck): make sure nothing of its group (workerd) outlives it
      signalGroup(child, "SIGKILL");
      await exited(child);
      for (let i = 0; i < 100 && signalGroup(child, 0); i++) await sleep(50);
    }
    if (ownDir) rmSync(persistDir, { recursive: true, force: true });
  };

  const proxyUrl = `http://127.0.0.1:${port}`;
  let url: string | undefined;
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${out}`);
      url = workerAddress;
      const res = url ? await fetch(`${url}/healthz`).catch(() => null) : null;
      await res?.body?.cancel();
      if (res && (options.ready ?? ((status) => status === 200))(res.status)) break;
      if (Date.now() > deadline) {
        throw new Error(`wrangler dev: the Worker did not answer /healthz as expected within ${timeoutMs} ms (${url ?? "address not logged yet"}: ${res?.status ?? "no answer"}):\n${out}`);
      }
      await sleep(50);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { kind: "workers", url: url!, proxyUrl, persistDir, output: () => out, stop };
}

/** The last address wrangler handed its proxy for the Worker (it changes if the Worker reloads). */
function workerUrl(output: string): string | undefined {
  const found = [...output.matchAll(/"userWorkerUrl":\{"protocol":"(https?:)","hostname":"([^"]+)","port":"(\d+)"/g)].at(-1);
  return found ? `${found[1]}//${found[2]}:${found[3]}` : undefined;
}
