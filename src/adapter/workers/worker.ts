// The Cloudflare Workers entry: the same Hono app as on Bun (src/http/app.ts), on D1 or
// libSQL-over-HTTP, PBKDF2 passwords, HS256 tokens from the JWT_SECRET secret; realtime on
// Durable Objects: one per conversation (its writes and fan-out, conversation-object.ts) and one
// per user (its sockets, user-object.ts); GET /v1/ws routes a socket to its user's object
// (websocket.ts).
//
// Per isolate (runtime.ts): configuration, the database handle, the hasher, the token signer;
// here also the Hono app (with its in-memory auth rate limits); per call: see services.ts.
import { getConnInfo } from "hono/cloudflare-workers";
import { createApp, type App } from "../../http/app.ts";
import { authRateLimitsFrom } from "../../http/rate-limit.ts";
import { log } from "../../log.ts";
import { fetchedAssets } from "../../web/serve.ts";
import { drainableBody } from "./body.ts";
import { workersBotSink, workersBotWiring } from "./bots.ts";
import { isLoopbackRequest } from "./config.ts";
import type { Env } from "./env.ts";
import { ensureMigrated, workersRuntime, type Runtime } from "./runtime.ts";
import { workersServices } from "./services.ts";
import { workersWebSocket } from "./websocket.ts";

export { ConversationObject } from "./conversation-object.ts";
export { UserObject } from "./user-object.ts";
export { BotObject } from "./bot-object.ts";

let app: { rt: Runtime; app: App } | Error | undefined;

function boot(env: Env): { rt: Runtime; app: App } | Error {
  const rt = workersRuntime(env);
  if (rt instanceof Error) return rt;
  const { config } = rt.settings;
  const services = workersServices({ ...rt.deps, bots: workersBotWiring(env, rt, workersBotSink(env, rt)) }, env, rt.settings.logPlacement);
  return {
    rt,
    app: createApp({
      services,
      websocket: workersWebSocket(env, rt, services.accounts),
      allowedOrigins: config.ALLOWED_ORIGINS,
      // no Prometheus exposition on Workers (README "Operations"): the figures go to Analytics
      // Engine; GET /metrics checks the token, then 501
      metrics: rt.metricsFor("worker"),
      metricsToken: config.METRICS_TOKEN,
      rateLimit: authRateLimitsFrom(config),
      // Cloudflare's edge sets cf-connecting-ip, overwriting whatever the client sent.
      clientIp: (c) => getConnInfo(c).remote.address,
      web: env.ASSETS && fetchedAssets((request) => env.ASSETS!.fetch(request)),
    }),
  };
}

const failure = (status: number, message: string) =>
  Response.json({ error: { code: "internal", message } }, { status, headers: { "Cache-Control": "no-store" } });

export default {
  async fetch(request, env, ctx): Promise<Response> {
    app ??= boot(env);
    if (app instanceof Error) return failure(500, `server misconfigured: ${app.message}`);
    const { rt } = app;
    await rt.logging;
    if (rt.settings.ephemeralSecret && !isLoopbackRequest(request)) {
      return failure(500, "server misconfigured: JWT_SECRET is not set (wrangler secret put JWT_SECRET)");
    }
    try {
      // The first query also lets the libSQL client find the server's protocol version, which
      // later requests share: let it finish even if this request's client goes away.
      const ready = ensureMigrated(rt.opened.db);
      ctx.waitUntil(ready.catch(() => {}));
      await ready;
    } catch (err) {
      log("db").error("migrations failed: {error}", { error: err });
      return failure(500, "database unavailable");
    }
    const body = drainableBody(request);
    const res = await app.app.fetch(body.request, env, ctx);
    await body.drain(); // before answering: see body.ts
    return res;
  },
} satisfies ExportedHandler<Env>;
