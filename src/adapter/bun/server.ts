// The Bun runtime: libSQL store, argon2id, the shared Hono app and the realtime hub on Bun.serve.
import { getConnInfo } from "hono/bun";
import { entryWindowsFrom, type Config } from "../../config.ts";
import { jwtSigner } from "../../auth/jwt.ts";
import { createServices } from "../../core/services.ts";
import { createApp } from "../../http/app.ts";
import { authRateLimitsFrom } from "../../http/rate-limit.ts";
import { servicesBackend } from "../../realtime/backend.ts";
import { Hub } from "../../realtime/hub.ts";
import { sessionLimitsFrom } from "../../realtime/limits.ts";
import { bunBots } from "./bots.ts";
import { argon2Hasher } from "./password.ts";
import { joinCluster } from "./cluster.ts";
import { jwtSecret } from "./config.ts";
import { openLibsql } from "./store.ts";
import { bunWebSocket } from "./websocket.ts";

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const { store, client } = await openLibsql({
    url: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    dataDir: config.DATA_DIR,
    synchronous: config.DB_SYNCHRONOUS,
  });
  // The hub is both the services' event sink and their realtime front: tie the knot lazily.
  let hub: Hub | undefined;
  const cluster = await joinCluster(config, store.conversations, () => hub);
  const bots = bunBots(config, store);
  const services = createServices({
    windows: entryWindowsFrom(config),
    presence: cluster.presence,
    store,
    hasher: argon2Hasher({ memoryCost: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST }),
    tokens: jwtSigner(jwtSecret(config.JWT_SECRET, config.DATA_DIR), config.ACCESS_TOKEN_TTL),
    events: bots.events(cluster.events),
    bots: bots.wiring,
    rosterCache: cluster.rosterCache,
    onMembersChanged: cluster.onMembersChanged,
    onLoginRevoked: (loginId) => hub?.kickLogin(loginId),
  });
  hub = new Hub({
    backend: servicesBackend(services, { multiNode: cluster.multiNode }),
    limits: sessionLimitsFrom(config),
    maxDevicesPerUser: config.MAX_DEVICES_PER_USER,
    onConnected: (userId, connectionId) => cluster.tracker.connected(userId, connectionId),
    onDisconnected: (userId, connectionId) => cluster.tracker.disconnected(userId, connectionId),
  });
  const ws = bunWebSocket(hub, {
    maxFrameBytes: config.MAX_FRAME_BYTES,
    maxBufferedBytes: config.MAX_BUFFERED_BYTES,
  });
  const app = createApp({
    services,
    websocket: ws.upgrade,
    rateLimit: authRateLimitsFrom(config),
    clientIp: (c) => getConnInfo(c).remote.address,
    allowedOrigins: config.ALLOWED_ORIGINS,
  });
  // Long polls (GET /v1/updates, getUpdates) hold a request up to 50 s without a byte: Bun's
  // default idle timeout (10 s) would cut them.
  const server = Bun.serve({ port: config.PORT, fetch: app.fetch, websocket: ws.websocket, idleTimeout: 60 });
  bots.start(services);
  const sweep = setInterval(() => hub.tick(), Math.min(1000, config.HEARTBEAT_MS / 2));

  return {
    url: server.url.origin,
    port: server.port!,
    async stop() {
      clearInterval(sweep);
      bots.stop();
      cluster.stop();
      await server.stop(true);
      client.close();
    },
  };
}
