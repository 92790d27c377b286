// Runs a load generator script in its own process (never in the server's event loop, never in
// the driver's): its config goes through a temp JSON file, its last stdout line is its result.
import { unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchEnv, ROOT } from "./server.ts";

let runs = 0;

export async function runGenerator(script: string, cfg: unknown, budgetMs: number): Promise<Record<string, any>> {
  const cfgPath = join(tmpdir(), `parley-bench-${process.pid}-${runs++}.json`);
  writeFileSync(cfgPath, JSON.stringify(cfg));
  try {
    const gen = Bun.spawn([process.execPath, script, cfgPath], { cwd: ROOT, stdout: "pipe", stderr: "inherit", env: benchEnv() });
    const timer = setTimeout(() => gen.kill("SIGKILL"), budgetMs);
    const out = await new Response(gen.stdout as ReadableStream).text();
    await gen.exited;
    clearTimeout(timer);
    try {
      return JSON.parse(out.trim().split("\n").pop() ?? "");
    } catch {
      throw new Error(`${script} printed no result (exit ${gen.exitCode ?? gen.signalCode}):\n${out}`);
    }
  } finally {
    unlinkSync(cfgPath);
  }
}
