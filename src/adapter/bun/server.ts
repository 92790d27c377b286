// The Bun runtime: libSQL store, argon2id, the shared Hono app and the realtime hub on Bun.serve,
// metrics on prom-client, and a graceful stop.
import { getConnInfo } from "hono/bun";
import { entryWindowsFrom, type Config } from "../../config.ts";
import { jwtSigner } from "../../auth/jwt.ts";
import { measuredMessageLog } from "../../core/measured-message-log.ts";
import { contactRulesFrom } from "../../core/contacts.ts";
import { createServices } from "../../core/services.ts";
import { createApp } from "../../http/app.ts";
import { authRateLimitsFrom } from "../../http/rate-limit.ts";
import { servicesBackend } from "../../realtime/backend.ts";
import { Hub } from "../../realtime/hub.ts";
import { sessionLimitsFrom } from "../../realtime/limits.ts";
import { CloseCode } from "../../schema/close-codes.ts";
import { webAssets } from "../../web/build.ts";
import { prometheusMetrics } from "./metrics.ts";
import { bunBots } from "./bots.ts";
import { bunPush } from "./push.ts";
import { argon2Hasher } from "./password.ts";
import { joinCluster } from "./cluster.ts";
import { jwtSecret } from "./config.ts";
import { log } from "../../log.ts";
import { openLibsql } from "./store.ts";
import { bunUploads } from "./uploads.ts";
import { bunWebSocket } from "./websocket.ts";

export interface RunningServer {
  url: string;
  port: number;
  /**
   * Graceful: stops accepting connections, lets the requests already running answer (a send
   * once its ack left), closes every socket with 1012 (service restart) and the database.
   * Whatever is still open after SHUTDOWN_TIMEOUT_MS is cut.
   */
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const database = await openLibsql({
    url: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    dataDir: config.DATA_DIR,
    synchronous: config.DB_SYNCHRONOUS,
    checkpointThread: true,
  });
  const { store } = database;
  // The hub is both the services' event sink and their realtime front: tie the knot lazily.
  let hub: Hub | undefined;
  let peakQueuedBytes = () => 0;
  const metrics = prometheusMetrics((m) => {
    const stats = hub!.stats();
    m.set("parley_ws_open_sockets", stats.sockets);
    m.set("parley_ws_authenticated_users", stats.users);
    m.set("parley_ws_queued_bytes", stats.queuedBytes);
    m.set("parley_ws_queued_bytes_peak", peakQueuedBytes());
  });
  const cluster = await joinCluster(config, store, () => hub);
  const secret = jwtSecret(config.JWT_SECRET, config.DATA_DIR);
  const bots = bunBots(config, store, metrics);
  const push = await bunPush(config, metrics, cluster, () => hub);
  const services = createServices({
    windows: entryWindowsFrom(config),
    searchIndex: config.SEARCH_INDEX === "on",
    onIndexError: (error) => log("search").error("indexing failed: {error}", { error }),
    presence: cluster.presence,
    store: { ...store, messageLog: measuredMessageLog(store.messageLog, metrics) },
    hasher: argon2Hasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST }),
    tokens: jwtSigner(secret, config.ACCESS_TOKEN_TTL),
    events: push.events(bots.events(cluster.events)),
    bots: bots.wiring,
    push: push.wiring,
    rosterCache: cluster.rosterCache,
    onMembersChanged: cluster.onMembersChanged,
    directPeers: cluster.directPeers,
    onPairChanged: cluster.onPairChanged,
    contactRules: contactRulesFrom(config),
    onLoginRevoked: (loginId) => hub?.kickLogin(loginId),
    uploads: await bunUploads(config, secret),
  });
  push.start(services);
  hub = new Hub({
    backend: servicesBackend(services, { multiNode: cluster.multiNode }),
    limits: sessionLimitsFrom(config),
    maxDevicesPerUser: config.MAX_DEVICES_PER_USER,
    onConnected: (userId, connectionId) => cluster.tracker.connected(userId, connectionId),
    onDisconnected: (userId, connectionId) => cluster.tracker.disconnected(userId, connectionId),
    metrics,
  });
  const ws = bunWebSocket(hub, {
    maxFrameBytes: config.MAX_FRAME_BYTES,
    maxBufferedBytes: config.MAX_BUFFERED_BYTES,
  });
  peakQueuedBytes = ws.peakQueuedBytes;
  const app = createApp({
    services,
    websocket: ws.upgrade,
    rateLimit: authRateLimitsFrom(config),
    clientIp: (c) => getConnInfo(c).remote.address,
    allowedOrigins: config.ALLOWED_ORIGINS,
    metrics,
    exposition: metrics,
    metricsToken: config.METRICS_TOKEN,
    web: webAssets,
  });
  const server = Bun.serve({
    port: config.PORT,
    fetch: app.fetch,
    websocket: ws.websocket,
    // Bodies are limited by the app (256 KiB; uploads MAX_UPLOAD_BYTES), which answers with the
    // contract's 413. Bun's own limit (128 MiB by default) would answer first, with a bare 413.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    // Long polls (GET /v1/updates, getUpdates) hold a request up to 50 s without a byte: Bun's
    // default idle timeout (10 s) would cut them.
    idleTimeout: 60,
  });
  bots.start(services);
  const sweep = setInterval(() => hub.tick(), Math.min(1000, config.HEARTBEAT_MS / 2));
  // What was committed but not indexed before the last stop (a crash, say) is indexed now.
  const catchUp = services.indexer?.start().catch((error) => log("search").error("index catch-up failed: {error}", { error }));

  return {
    url: server.url.origin,
    port: server.port!,
    async stop() {
      const deadline = Bun.sleep(config.SHUTDOWN_TIMEOUT_MS);
      const closed = server.stop(false); // no new connection; open ones go on
      await Promise.race([hub.quiesce(), deadline]);
      hub.closeAll(CloseCode.SERVICE_RESTART, "server restarting");
      await Promise.race([closed, deadline]);
      clearInterval(sweep);
      bots.stop();
      cluster.stop();
      services.indexer?.stop();
      await server.stop(true);
      await catchUp;
      await services.indexer?.idle();
      database.close();
    },
  };
}
