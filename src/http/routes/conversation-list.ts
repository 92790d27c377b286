// The caller's own list of conversations (docs/protocol.md "The conversation list, per user"):
// GET /v1/conversations with its filters, settings, clear, hide, and the unread totals.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ClearRequest, ConversationSettings, ListQuery, SettingsChange, SettingsRequest, UnreadTotals } from "../../schema/conversation-list.ts";
import { ConversationList } from "../../schema/conversations.ts";
import { ConvParams, EntryParams } from "../../schema/requests.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["conversations"] };
const settingsResponses = { 200: jsonResponse(ConversationSettings, "the caller's settings and counters now"), ...errorResponses(400, 401, 404) };

const list = createRoute({
  ...common,
  method: "get",
  path: "/v1/conversations",
  description:
    "The caller's conversations, pinned first, then by latest activity; hidden ones only with hidden=true. `unread` counts content " +
    "entries from others after readSeq (edits, reactions and membership changes do not count), less cleared and hidden ones; " +
    "`mentions`, those of them that mention the caller or all.",
  request: { query: ListQuery },
  responses: { 200: jsonResponse(ConversationList, "conversations"), ...errorResponses(400, 401) },
});

const settings = createRoute({
  ...common,
  method: "get",
  path: "/v1/conversations/{id}/settings",
  request: { params: ConvParams },
  responses: settingsResponses,
});

const update = createRoute({
  ...common,
  method: "patch",
  path: "/v1/conversations/{id}/settings",
  description:
    "The caller's own settings of a conversation it is (or was) a member of. A hidden conversation comes back with the next content " +
    "entry from someone else. The caller's devices get a `settings` frame.",
  request: { params: ConvParams, body: jsonBody(SettingsRequest) },
  responses: settingsResponses,
});

const clear = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/clear",
  description: "History up to `seq` (at most the last seq) is gone for the caller only: not in its history, search, list or counts.",
  request: { params: ConvParams, body: jsonBody(ClearRequest) },
  responses: settingsResponses,
});

const hide = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/messages/{seq}/hide",
  description: "One entry the caller may read is gone for the caller only (at most 1000 per conversation: then `forbidden`; clear instead).",
  request: { params: EntryParams },
  responses: { 200: jsonResponse(SettingsChange, "the settings now, with hiddenSeq"), ...errorResponses(401, 403, 404) },
});

const unread = createRoute({
  ...common,
  method: "get",
  path: "/v1/unread",
  description: "Unread entries, and conversations with any, leaving out muted, archived and hidden conversations.",
  responses: { 200: jsonResponse(UnreadTotals, "the totals"), ...errorResponses(401) },
});

export const conversationListRoutes = new OpenAPIHono<AppEnv>()
  .openapi(list, async (c) => c.json({ items: await c.get("services").list.list(c.get("auth").userId, c.req.valid("query")) }, 200))
  .openapi(settings, async (c) => c.json(await c.get("services").list.settings(c.get("auth").userId, c.req.valid("param").id), 200))
  .openapi(update, async (c) =>
    c.json(await c.get("services").list.update(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json")), 200),
  )
  .openapi(clear, async (c) =>
    c.json(await c.get("services").list.clear(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json").seq), 200),
  )
  .openapi(hide, async (c) => {
    const { id, seq } = c.req.valid("param");
    return c.json(await c.get("services").list.hide(c.get("auth").userId, id, seq), 200);
  })
  .openapi(unread, async (c) => c.json(await c.get("services").list.unread(c.get("auth").userId), 200));
