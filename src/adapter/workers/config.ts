// Configuration on Workers: the string bindings ([vars] and secrets) go through the same
// schema as Bun's environment (src/config.ts); bindings that are objects (D1, Durable Objects)
// are taken from `env` directly. Settings that only mean something to a long-lived Bun process
// (PORT, DATA_DIR, DB_SYNCHRONOUS, ARGON2_*) are accepted and ignored.
import { z } from "zod";
import { PBKDF2_ITERATIONS } from "../../auth/pbkdf2.ts";
import { loadConfig, type Config } from "../../config.ts";
import { randomToken } from "../../core/random.ts";

/** Settings only the Worker reads (not in src/config.ts). */
const WorkersOnly = z.object({
  /** PBKDF2 cost of new password hashes; Workers allow at most 100,000. Tests lower it. */
  PBKDF2_ITERATIONS: z.coerce.number().int().min(1).max(PBKDF2_ITERATIONS).default(PBKDF2_ITERATIONS),
  /**
   * Where each conversation's log lives (conversation-log.ts): "object", in the conversation's
   * Durable Object; "shared", in the shared database (D1/Turso), as on Bun: the choice of a
   * deployment that mixes Bun nodes and Workers on one Turso database. Chosen once per
   * deployment: switching does not move logs already written.
   */
  LOG_PLACEMENT: z.enum(["shared", "object"]).default("object"),
  /** Tests only: the conversation objects know one more log migration (test/workers/log-migration.test.ts). */
  LOG_TEST_MIGRATION: z.enum(["0", "1"]).default("0"),
  /**
   * Tests only: the conversation objects commit entries but never hand their events to the bots'
   * outbox, as a crash between the two would leave them; only the catch-up brings them
   * (conversation-bots.ts, test/workers/object-bots.test.ts).
   */
  BOT_TEST_DROP_EVENTS: z.enum(["0", "1"]).default("0"),
});

export type WorkersOnlyConfig = z.infer<typeof WorkersOnly>;

export interface WorkersConfig {
  config: Config;
  pbkdf2Iterations: number;
  logPlacement: "shared" | "object";
  /** whether the test-only log migration is on (LOG_TEST_MIGRATION) */
  logTestMigration: boolean;
  /** whether the conversation objects drop their live bot events (BOT_TEST_DROP_EVENTS, tests only) */
  botTestDropEvents: boolean;
  /** the HS256 key of access tokens */
  jwtSecret: string;
  /**
   * true when JWT_SECRET is not set and a random key was made for this isolate. Fine for
   * `wrangler dev` (one isolate; refresh tokens live in the database, so clients recover after a
   * reload), never for production, where isolates would not accept each other's tokens: such a
   * Worker answers only requests addressed to a loopback host (see worker.ts).
   */
  ephemeralSecret: boolean;
}

/** From the Worker's `env`: its string bindings are the settings. */
export function loadWorkersConfig(env: object): WorkersConfig {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === "string") strings[name] = value;
  const config = loadConfig(strings);
  const own = WorkersOnly.safeParse(strings);
  if (!own.success) {
    throw new Error(`invalid configuration: ${own.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  if (config.DATABASE_URL && /^wss?:/i.test(config.DATABASE_URL)) {
    // A WebSocket opened by one request cannot be used by another on Workers: speak HTTP.
    throw new Error("invalid configuration: DATABASE_URL: use a libsql:, https: or http: URL on Workers, not ws:/wss:");
  }
  const settings = {
    config,
    pbkdf2Iterations: own.data.PBKDF2_ITERATIONS,
    logPlacement: own.data.LOG_PLACEMENT,
    logTestMigration: own.data.LOG_TEST_MIGRATION === "1",
    botTestDropEvents: own.data.BOT_TEST_DROP_EVENTS === "1",
  };
  return config.JWT_SECRET
    ? { ...settings, jwtSecret: config.JWT_SECRET, ephemeralSecret: false }
    : { ...settings, jwtSecret: randomToken(48), ephemeralSecret: true };
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a request was addressed to this machine itself (wrangler dev), not to a public host. */
export const isLoopbackRequest = (request: Request): boolean => LOOPBACK.test(new URL(request.url).hostname);
