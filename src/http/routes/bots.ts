// /v1/bots: bot accounts, their tokens and webhooks; GET /v1/updates: a bot's long poll
// (docs/protocol.md "Bots and integrations").
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../core/errors.ts";
import { BotList, BotParams, BotWithToken, CreateBotRequest, SetWebhookRequest, UpdateList, UpdatesQuery, WebhookFailureList, WebhookInfo } from "../../schema/bots.ts";
import { bearerToken, requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["bots"] };

const create = createRoute({
  ...common,
  method: "post",
  path: "/v1/bots",
  description: "Creates a bot owned by the caller. The token is in this answer only: Parley keeps its hash.",
  request: { body: jsonBody(CreateBotRequest) },
  responses: { 201: jsonResponse(BotWithToken, "the bot and its token"), ...errorResponses(400, 401, 403, 409) },
});

const list = createRoute({
  ...common,
  method: "get",
  path: "/v1/bots",
  description: "The caller's bots.",
  responses: { 200: jsonResponse(BotList, "bots"), ...errorResponses(401, 403) },
});

const remove = createRoute({
  ...common,
  method: "delete",
  path: "/v1/bots/{id}",
  description: "Deletes the bot's token, webhook and pending events; its sockets close (4010). Its entries stay, by its user id.",
  request: { params: BotParams },
  responses: { 204: { description: "deleted" }, ...errorResponses(401, 403, 404) },
});

const rotate = createRoute({
  ...common,
  method: "post",
  path: "/v1/bots/{id}/token",
  description: "A new token; the old one stops at once (sockets close 4010, long polls end 401; other server processes within 2 s).",
  request: { params: BotParams },
  responses: { 200: jsonResponse(BotWithToken, "the bot and its new token"), ...errorResponses(401, 403, 404) },
});

const hook = { ...common, path: "/v1/bots/{id}/webhook", request: { params: BotParams } };

const setWebhook = createRoute({
  ...hook,
  method: "put",
  description:
    "Events go to this URL from now on (and those pending). The owner, or the bot itself with the manage scope. " +
    "URLs reaching non-public addresses are refused unless WEBHOOK_ALLOW_PRIVATE=1; https only in production.",
  request: { params: BotParams, body: jsonBody(SetWebhookRequest) },
  responses: { 200: jsonResponse(WebhookInfo, "the webhook"), ...errorResponses(400, 401, 403, 404) },
});

const getWebhook = createRoute({
  ...hook,
  method: "get",
  responses: { 200: jsonResponse(WebhookInfo, "the webhook (url null: none; events are then polled)"), ...errorResponses(401, 403, 404) },
});

const deleteWebhook = createRoute({
  ...hook,
  method: "delete",
  description: "Stops webhook deliveries; pending events wait for GET /v1/updates.",
  responses: { 204: { description: "removed" }, ...errorResponses(401, 403, 404) },
});

const failures = createRoute({
  ...common,
  method: "get",
  path: "/v1/bots/{id}/webhook/failures",
  description: "Events whose delivery kept failing for the retry window (WEBHOOK_RETRY_FOR_S), with the last error.",
  request: { params: BotParams },
  responses: { 200: jsonResponse(WebhookFailureList, "failed deliveries, oldest first"), ...errorResponses(401, 403, 404) },
});

const updates = createRoute({
  ...common,
  method: "get",
  path: "/v1/updates",
  description:
    "A bot's events (bot tokens only), ids increasing. `offset` confirms every event below it; `timeout` (s, at most 50) holds the " +
    "request until something arrives. 409 while a webhook is set.",
  request: { query: UpdatesQuery },
  responses: { 200: jsonResponse(UpdateList, "events"), ...errorResponses(400, 401, 403, 409, 429) },
});

export const botRoutes = new OpenAPIHono<AppEnv>()
  .openapi(create, async (c) => c.json(await c.get("services").bots.create(c.get("auth").userId, c.req.valid("json")), 201))
  .openapi(list, async (c) => c.json({ items: await c.get("services").bots.list(c.get("auth").userId) }, 200))
  .openapi(remove, async (c) => {
    await c.get("services").bots.delete(c.get("auth").userId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(rotate, async (c) => c.json(await c.get("services").bots.rotate(c.get("auth").userId, c.req.valid("param").id), 200))
  .openapi(setWebhook, async (c) =>
    c.json(await c.get("services").bots.setWebhook(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(getWebhook, async (c) => c.json(await c.get("services").bots.webhook(c.get("auth").userId, c.req.valid("param").id), 200))
  .openapi(deleteWebhook, async (c) => {
    await c.get("services").bots.deleteWebhook(c.get("auth").userId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(failures, async (c) => {
    const items = await c.get("services").bots.failures(c.get("auth").userId, c.req.valid("param").id);
    return c.json({ items }, 200);
  })
  .openapi(updates, async (c) => {
    const auth = c.get("auth");
    if (!auth.scopes) throw new AppError("forbidden", "updates are for bot tokens");
    const { offset, limit, timeout } = c.req.valid("query");
    const request = { botId: auth.userId, token: bearerToken(c.req.header("Authorization"))!, offset, limit, timeoutS: timeout, signal: c.req.raw.signal };
    const items = await c.get("services").updates.poll(request, async (events) => events);
    return c.json({ items }, 200);
  });
