// What the Worker's fetch handler and both Durable Object classes share per isolate: the
// configuration, the database handle, the hasher and token signer, Upstash presence when
// configured, the realtime limits. Built once from the first `env` seen (bindings and vars are
// the same for every entry point of one deployment), so a JWT_SECRET-less dev isolate signs and
// verifies with one random key everywhere.
import { jwtSigner } from "../../auth/jwt.ts";
import { contactRulesFrom } from "../../core/contacts.ts";
import { noEvents } from "../../core/events.ts";
import { noMetrics, type Metrics } from "../../core/metrics.ts";
import type { ServiceDeps } from "../../core/services.ts";
import { log, setupLogging } from "../../log.ts";
import { createSharedPresence } from "../../presence/index.ts";
import { sessionLimitsFrom, type SessionLimits } from "../../realtime/limits.ts";
import { entryWindowsFrom } from "../../config.ts";
import { loadWorkersConfig, type WorkersConfig } from "./config.ts";
import type { Env } from "./env.ts";
import { analyticsEngineMetrics, type MetricsSource } from "./metrics.ts";
import { bundledMigrations, migrate } from "./migrations.ts";
import { workersHasher } from "./password.ts";
import { openStore, type OpenedStore } from "./store.ts";
import { workersUploads } from "./uploads.ts";
import { workersPush } from "./push.ts";

export interface Runtime {
  settings: WorkersConfig;
  opened: OpenedStore;
  /**
   * the domain's ports; `events` is a placeholder each user replaces (see services.ts, the
   * objects); `presence` is set with Upstash only (see user-object.ts)
   */
  deps: ServiceDeps;
  limits: SessionLimits;
  logging: Promise<void>;
  /** the metrics port for one kind of entry point (Analytics Engine when METRICS is bound) */
  metricsFor(source: MetricsSource): Metrics;
}

let runtime: Runtime | Error | undefined;
let migrated = false;

/** The isolate's runtime, or the configuration error every entry point reports. */
export function workersRuntime(env: Env): Runtime | Error {
  runtime ??= boot(env);
  return runtime;
}

function boot(env: Env): Runtime | Error {
  try {
    const settings = loadWorkersConfig(env);
    const { config } = settings;
    const opened = openStore(env, config);
    const metricsFor = (source: MetricsSource) => (env.METRICS ? analyticsEngineMetrics(env.METRICS, source) : noMetrics);
    const deps: ServiceDeps = {
      store: opened.store,
      hasher: workersHasher(settings.pbkdf2Iterations),
      tokens: jwtSigner(settings.jwtSecret, config.ACCESS_TOKEN_TTL),
      events: noEvents,
      windows: entryWindowsFrom(config),
      contactRules: contactRulesFrom(config),
      // Upstash when both UPSTASH_REDIS_REST_* are set: the presence Bun nodes use, shared with
      // them; else none here, and each user's object derives its user's from its sockets
      presence: createSharedPresence({ upstashUrl: config.UPSTASH_REDIS_REST_URL, upstashToken: config.UPSTASH_REDIS_REST_TOKEN }) ?? undefined,
      uploads: workersUploads(env, config, settings.jwtSecret),
      // one per isolate: counted as the user objects', which send nearly all of its pushes (the
      // entries' pushes; the conversations' objects only send the clearing ones)
      push: workersPush(config, metricsFor("user")),
    };
    const limits = sessionLimitsFrom(config);
    const logging = setupLogging(config.LOG_LEVEL).then(() => {
      if (settings.ephemeralSecret) {
        log("config").warning(
          "JWT_SECRET is not set: using a random key for this isolate, served to loopback requests only " +
            "(local development). In production: wrangler secret put JWT_SECRET",
        );
      }
      log("server").info("Parley Worker started on {store}, presence {presence}", {
        store: opened.kind,
        presence: deps.presence ? "on Upstash" : "in the user objects",
      });
    });
    return { settings, opened, deps, limits, logging, metricsFor };
  } catch (err) {
    console.error(String(err));
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** Applies pending migrations once per isolate; a failure is retried by the next caller. */
export async function ensureMigrated(db: OpenedStore["db"]): Promise<void> {
  if (migrated) return;
  const applied = await migrate(db, await bundledMigrations());
  if (applied.length > 0) log("db").info("applied migrations {tags}", { tags: applied });
  migrated = true;
}

/** The isolate's runtime for a Durable Object, which has no error response to give: it throws. */
export function objectRuntime(env: Env): Runtime {
  const rt = workersRuntime(env);
  if (rt instanceof Error) throw rt;
  return rt;
}
