// The Hono app, built from the domain services. Both runtimes mount exactly this app; they only
// differ in how GET /v1/ws upgrades (passed in as `websocket`).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import { notFound } from "../core/errors.ts";
import { noMetrics, type Metrics } from "../core/metrics.ts";
import type { Services } from "../core/services.ts";
import { log } from "../log.ts";
import type { AppEnv } from "./env.ts";
import { errorResponse, onError, validationError } from "./errors.ts";
import { countRequests, metricsHandler, type MetricsExposition } from "./metrics.ts";
import { allowedOriginsOnly } from "./origin.ts";
import { apiHeaders } from "./api-headers.ts";
import { jsonBodyChecks } from "./json-body.ts";
import { authRateLimit, defaultAuthRateLimits, type AuthRateLimits, type ClientIp } from "./rate-limit.ts";
import { accountRoutes } from "./routes/accounts.ts";
import { contactRoutes } from "./routes/contacts.ts";
import { botRoutes } from "./routes/bots.ts";
import { conversationRoutes } from "./routes/conversations.ts";
import { conversationListRoutes } from "./routes/conversation-list.ts";
import { entryRoutes } from "./routes/entries.ts";
import { groupRoutes } from "./routes/groups.ts";
import { searchRoutes } from "./routes/search.ts";
import { presenceRoutes } from "./routes/presence.ts";
import { pushRoutes } from "./routes/push.ts";
import { webRoutes, type WebAssets } from "../web/serve.ts";
import { uploadRoutes } from "./routes/uploads.ts";
import { telegramRoutes } from "./telegram/routes.ts";

export interface AppOptions {
  services: Services;
  /** the runtime's WebSocket upgrade for GET /v1/ws */
  websocket?: MiddlewareHandler<AppEnv>;
  /** request bodies above this many bytes get 413 (default 256 KiB) */
  maxBodyBytes?: number;
  /**
   * Limits of the auth endpoints; adapters pass `authRateLimitsFrom(config)`. Without it, the
   * defaults of src/config.ts.
   */
  rateLimit?: AuthRateLimits;
  /** the peer address of a request as the runtime knows it (its adapter's getConnInfo); CLIENT_IP_HEADER overrides it */
  clientIp?: ClientIp;
  /** browser origins allowed to call the API and open /v1/ws (unset: any localhost origin) */
  allowedOrigins?: readonly string[];
  /** where requests and errors are counted */
  metrics?: Metrics;
  /** what GET /metrics serves; without it, 501 */
  exposition?: MetricsExposition;
  /** when set, GET /metrics needs it as its bearer token */
  metricsToken?: string;
  /** the built web app and docs page, served at /, /docs and /assets/ (src/web/serve.ts) */
  web?: WebAssets;
}

// One logger for every request (looked up by category per request, it was about 5% of the
// server's CPU under /healthz load), and nothing timed when its records would be dropped
// (LOG_LEVEL above info).
const httpLog = log("http");
const accessLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!httpLog.isEnabledFor("info")) return next();
  const started = performance.now();
  await next();
  httpLog.info("{method} {path} {status} {ms} ms", {
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
    requestId: c.get("requestId"),
  });
};

const health = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["operations"],
  description: "200 once the server can serve.",
  responses: { 200: { description: "ready", content: { "application/json": { schema: z.object({ ok: z.literal(true) }) } } } },
});

// Routes served by plain handlers (no zod validation), described here so the document is complete.
const undocumentedRoutes = [
  {
    method: "get",
    path: "/v1/ws",
    tags: ["realtime"],
    summary: "WebSocket endpoint",
    description:
      "Upgrades to a WebSocket of JSON text frames; the first frame is `hello` with the access token. " +
      "The frames and close codes are specified in docs/protocol.md (\"Realtime\").",
    responses: {
      101: { description: "switching protocols" },
      400: { description: "invalid_request: not a WebSocket upgrade" },
      403: { description: "forbidden: the Origin is not allowed" },
    },
  },
  ...(["get", "post"] as const).map((method) => ({
    method,
    path: "/tg/bot{token}/{method}",
    tags: ["bots"],
    summary: "Telegram Bot API",
    description:
      "The Telegram Bot API's methods getMe, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, sendMessage, editMessageText, " +
      "deleteMessage, sendChatAction and getChat with a bot token, in Telegram's envelope; see docs/protocol.md (\"Telegram-compatible endpoint\").",
    responses: { 200: { description: "{ok: true, result}" }, 400: { description: "{ok: false, error_code, description}" } },
  })),
  {
    method: "get",
    path: "/metrics",
    tags: ["operations"],
    description:
      "Prometheus text format: sockets, users, commits, fan-out, ack latency, queued bytes, closes, HTTP requests, errors. " +
      "When METRICS_TOKEN is set, only with `Authorization: Bearer <METRICS_TOKEN>`.",
    security: [{ metricsToken: [] }],
    responses: {
      200: { description: "the metrics", content: { "text/plain": { schema: { type: "string" } } } },
      401: { description: "unauthorized: METRICS_TOKEN is set and was not given", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      501: { description: "not_implemented: this runtime exports its metrics another way (Workers)", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    },
  },
  {
    method: "get",
    path: "/openapi.json",
    tags: ["operations"],
    description: "This document.",
    responses: { 200: { description: "the OpenAPI 3 document", content: { "application/json": { schema: { type: "object" } } } } },
  },
  {
    method: "get",
    path: "/",
    tags: ["operations"],
    description: "The web chat app.",
    responses: { 200: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
  },
  {
    method: "get",
    path: "/docs",
    tags: ["operations"],
    description: "An interactive page (Swagger UI) for this document.",
    responses: { 200: { description: "HTML", content: { "text/html": { schema: { type: "string" } } } } },
  },
] as const satisfies Parameters<OpenAPIHono["openAPIRegistry"]["registerPath"]>[0][];

export function createApp(options: AppOptions) {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, validationError(result.error));
    },
  });

  app.use(requestId());
  app.use(countRequests(options.metrics ?? noMetrics));
  // nosniff, no framing, no referrer, HSTS and the rest of Hono's defaults on every answer
  app.use(secureHeaders({ xFrameOptions: "DENY" }));
  app.use("/v1/*", apiHeaders(options.allowedOrigins));
  app.use(accessLog);
  app.use(async (c, next) => {
    c.set("services", options.services);
    await next();
  });
  app.use("/v1/*", jsonBodyChecks(options.maxBodyBytes ?? 256 * 1024));

  // Against password guessing and hashing floods; after the body limit, which it relies on.
  const authLimit = authRateLimit(
    options.rateLimit ?? defaultAuthRateLimits(),
    options.clientIp,
  );
  for (const path of ["/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh"]) app.use(path, authLimit);

  app.openapi(health, (c) => c.json({ ok: true as const }, 200));
  app.get("/metrics", metricsHandler(options.exposition, options.metricsToken));
  if (options.websocket) app.get("/v1/ws", allowedOriginsOnly(options.allowedOrigins), options.websocket);
  app.route("/", accountRoutes);
  app.route("/", conversationRoutes);
  app.route("/", conversationListRoutes);
  app.route("/", entryRoutes);
  app.route("/", groupRoutes);
  app.route("/", searchRoutes);
  app.route("/", presenceRoutes);
  app.route("/", contactRoutes);
  app.route("/", uploadRoutes);
  app.route("/", botRoutes);
  app.route("/", pushRoutes);
  app.route("/", telegramRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.openAPIRegistry.registerComponent("securitySchemes", "metricsToken", { type: "http", scheme: "bearer", description: "METRICS_TOKEN" });
  app.doc("/openapi.json", {
    openapi: "3.0.3",
    info: {
      title: "Parley",
      version: "1.0.0",
      description: "Parley instant-messaging HTTP API. The WebSocket protocol (GET /v1/ws) is described in docs/protocol.md.",
    },
  });
  if (options.web) app.route("/", webRoutes(options.web));
  // docs/protocol.md "Operations": the document lists every HTTP route, these plain ones included.
  for (const route of undocumentedRoutes) app.openAPIRegistry.registerPath(route);

  app.notFound((c) => errorResponse(c, notFound(`route ${c.req.method} ${c.req.path}`)));
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
