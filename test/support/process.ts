// Parley as a child process (`bun src/adapter/bun/main.ts`, exactly what `npm run dev` runs),
// for tests that need several processes on one database or configuration through real env vars.
import { fileURLToPath } from "node:url";
import type { Subprocess } from "bun";
import { FAST_ARGON2, TEST_JWT_SECRET } from "./target.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  url: string;
  proc: Subprocess;
  /** everything the process wrote so far (for failure messages) */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts main.ts on PORT 0 and waits until it logged its URL and /healthz answers.
 * `dataDir` may be shared between processes: they then share one database file.
 */
export async function spawnServer(dataDir: string, env: Record<string, string | undefined> = {}, timeoutMs = 15_000): Promise<ServerProcess> {
  // an `undefined` in `env` removes that variable
  const merged = { ...process.env, PORT: "0", DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "info", ...FAST_ARGON2, ...env };
  const proc = Bun.spawn([process.execPath, "src/adapter/bun/main.ts"], {
    cwd: root,
    env: Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += decoder.decode(r.value, { stream: true });
  };
  void collect(proc.stdout as ReadableStream<Uint8Array>);
  void collect(proc.stderr as ReadableStream<Uint8Array>);

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await proc.exited;
    }
  };

  try {
    const deadline = Date.now() + timeoutMs;
    let url: string | undefined;
    while (!url) {
      if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`server did not log its URL within ${timeoutMs} ms:\n${out}`);
      url = listeningUrl(out);
      if (!url) await Bun.sleep(20);
    }
    while (true) {
      const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${url}/healthz did not answer 200 within ${timeoutMs} ms:\n${out}`);
      await Bun.sleep(20);
    }
    return { url, proc, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The URL from the "Parley listening on ..." JSON log line. */
function listeningUrl(output: string): string | undefined {
  for (const line of output.split("\n")) {
    if (!line.includes("listening")) continue;
    try {
      const url = JSON.parse(line)?.properties?.url;
      if (typeof url === "string") return url.replace(/\/$/, "");
    } catch {
      const m = line.match(/https?:\/\/[^\s"]+/);
      if (m) return m[0].replace(/\/$/, "");
    }
  }
  return undefined;
}
