// /v1/conversations and its messages (PROTOCOL.md "Conversations", "Messages"); the caller's list of them: conversation-list.ts.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { Conversation, CreateConversationRequest, ReceiptState } from "../../schema/conversations.ts";
import { HistoryQuery, Message, MessagePage, ReadRequest, ReadResponse, SendRequest } from "../../schema/messages.ts";
import { ConvParams } from "../../schema/requests.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth };

const create = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations",
  tags: ["conversations"],
  description:
    "Direct conversations are unique per pair: asking again returns the existing one with 200. A direct conversation is " +
    "refused with `blocked` when either user blocked the other, and with `forbidden` between non-friends when DIRECT_MESSAGES=friends.",
  request: { body: jsonBody(CreateConversationRequest) },
  responses: {
    201: jsonResponse(Conversation, "created"),
    200: jsonResponse(Conversation, "the direct conversation that already existed"),
    ...errorResponses(400, 401, 403, 413),
  },
});

const get = createRoute({
  ...common,
  method: "get",
  path: "/v1/conversations/{id}",
  tags: ["conversations"],
  request: { params: ConvParams },
  responses: { 200: jsonResponse(Conversation, "the conversation"), ...errorResponses(401, 404) },
});

const receipts = createRoute({
  ...common,
  method: "get",
  path: "/v1/conversations/{id}/receipts",
  tags: ["conversations"],
  description: "Per member, how far messages were delivered and read (who read my message).",
  request: { params: ConvParams },
  responses: { 200: jsonResponse(ReceiptState, "receipt markers"), ...errorResponses(401, 404) },
});

const send = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/messages",
  tags: ["messages"],
  description:
    "Answers after the durable commit. The same clientId again returns 200 with the original message. In a direct " +
    "conversation: `blocked` when either user blocked the other, `forbidden` between non-friends when DIRECT_MESSAGES=friends.",
  request: { params: ConvParams, body: jsonBody(SendRequest) },
  responses: {
    201: jsonResponse(Message, "committed"),
    200: jsonResponse(Message, "already sent with this clientId"),
    ...errorResponses(400, 401, 403, 404, 413),
  },
});

const history = createRoute({
  ...common,
  method: "get",
  path: "/v1/conversations/{id}/messages",
  tags: ["messages"],
  description:
    "`after`: the items with seq > after, ascending. `before`: the `limit` items just before it, ascending. " +
    "Neither: the newest `limit` items, ascending.",
  request: { params: ConvParams, query: HistoryQuery },
  responses: { 200: jsonResponse(MessagePage, "a page of messages"), ...errorResponses(400, 401, 404) },
});

const read = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/read",
  tags: ["messages"],
  description: "Moves the read marker forward (never back, never past the last message).",
  request: { params: ConvParams, body: jsonBody(ReadRequest) },
  responses: { 200: jsonResponse(ReadResponse, "the read marker now"), ...errorResponses(400, 401, 404) },
});

export const conversationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(create, async (c) => {
    const { conversation, created } = await c.get("services").conversations.create(c.get("auth").userId, c.req.valid("json"));
    return c.json(conversation, created ? 201 : 200);
  })
  .openapi(get, async (c) => c.json(await c.get("services").conversations.get(c.get("auth").userId, c.req.valid("param").id), 200))
  .openapi(receipts, async (c) =>
    c.json(await c.get("services").conversations.receipts(c.get("auth").userId, c.req.valid("param").id), 200),
  )
  .openapi(send, async (c) => {
    const { message, created } = await c.get("services").messages.send(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(history, async (c) =>
    c.json(await c.get("services").messages.history(c.get("auth").userId, c.req.valid("param").id, c.req.valid("query")), 200),
  )
  .openapi(read, async (c) =>
    c.json(await c.get("services").messages.markRead(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json").seq), 200),
  );
