// Where the contract tests run. A target is a running Parley server reachable over plain HTTP and
// WebSocket; the contract tests only ever talk to its `url`, so the same suites can run against
// every runtime. `PARLEY_TARGETS=bun,workers bun test` picks them (default: bun; `npm test` also
// runs test/http and test/ws against workers, under wrangler dev).
//
// Adding a kind: extend TargetKind and KNOWN_TARGETS, and start it in startTarget on an empty database with JWT_SECRET = TEST_JWT_SECRET (the token tests
// forge tokens with it), the default rate limits, and `env` applied on top.
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { startServer } from "../../src/adapter/bun/server.ts";
import { startWorkers } from "./wrangler.ts";

export type TargetKind = "bun" | "workers";
export const KNOWN_TARGETS: readonly string[] = ["bun", "workers"];

export interface Target {
  kind: TargetKind;
  /** origin of the server, e.g. http://localhost:41234 (no trailing slash) */
  url: string;
  stop(): Promise<void>;
}

/** The secret every test server signs with, so tests can forge tokens of their own. */
export const TEST_JWT_SECRET = "parley-test-secret-0123456789-abcdefghijklmnop";

/** Cheap argon2id: registration would otherwise cost ~64 MiB and tens of ms per user. */
export const FAST_ARGON2 = { ARGON2_MEMORY_KIB: "1024", ARGON2_TIME_COST: "1" } as const;

export function targetKinds(env: Record<string, string | undefined> = process.env): TargetKind[] {
  const kinds = (env.PARLEY_TARGETS ?? "bun")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds) {
    if (!KNOWN_TARGETS.includes(k)) throw new Error(`PARLEY_TARGETS: unknown target "${k}" (known: ${KNOWN_TARGETS.join(", ")})`);
  }
  return kinds as TargetKind[];
}

/**
 * Whether this run covers the Bun target: suites that start a Bun server of their own (a
 * dedicated configuration, a process) run as `describe.if(onBun)(…)`, so that the Workers run of
 * the same folders (`npm run test:workers`) does not run them a second time.
 */
export const onBun = targetKinds().includes("bun");

/** A fresh temp directory and a cleanup that removes it. */
export function tempDataDir(prefix = "parley-test-"): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a server of `kind` on a fresh database; `env` adds or overrides configuration. */
/**
 * A target of `kind` for the tests of the surrounding describe: started before them, stopped
 * after. Its `url` can be read once the tests run.
 */
export function useTarget(kind: TargetKind, env: Record<string, string> = {}): { readonly url: string } {
  let target: Target | undefined;
  beforeAll(async () => {
    target = await startTarget(kind, env);
  });
  afterAll(() => target?.stop());
  return {
    get url() {
      if (!target) throw new Error("useTarget: read url inside a test, after beforeAll");
      return target.url;
    },
  };
}

export async function startTarget(kind: TargetKind, env: Record<string, string> = {}): Promise<Target> {
  switch (kind) {
    case "bun":
      return startBun(env);
    case "workers":
      // the Worker under `wrangler dev` (workerd) on a fresh local D1; `env` becomes its [vars]
      // (PBKDF2_ITERATIONS: cheap hashing, as FAST_ARGON2 on Bun); PARLEY_LOG_PLACEMENT picks
      // where the conversations' logs live (LOG_PLACEMENT) when set
      return startWorkers({ vars: { JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", PBKDF2_ITERATIONS: "1000", ...logPlacement(), ...env } });
    default:
      throw new Error(`no such target kind: ${kind satisfies never}`);
  }
}

/** LOG_PLACEMENT for Workers targets, from PARLEY_LOG_PLACEMENT (unset: wrangler.toml's). */
function logPlacement(): Record<string, string> {
  const placement = process.env.PARLEY_LOG_PLACEMENT;
  if (placement === undefined || placement === "") return {};
  if (placement !== "object" && placement !== "shared") throw new Error(`PARLEY_LOG_PLACEMENT: "${placement}" is neither object nor shared`);
  return { LOG_PLACEMENT: placement };
}

async function startBun(env: Record<string, string>): Promise<Target> {
  const data = tempDataDir();
  try {
    const server = await startServer(
      loadConfig({ PORT: "0", DATA_DIR: data.dir, JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "error", ...FAST_ARGON2, ...env }),
    );
    return {
      kind: "bun",
      url: server.url.replace(/\/$/, ""),
      async stop() {
        await server.stop();
        data.remove();
      },
    };
  } catch (err) {
    data.remove();
    throw err;
  }
}
