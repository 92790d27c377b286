// /v1/friends and /v1/blocks (PROTOCOL.md "Contacts"): friend requests, friends, blocks.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { Contact, ContactPage, CreateFriendRequest, FriendRequest, FriendRequestPage, PageQuery, RequestListQuery } from "../../schema/contacts.ts";
import { ErrorBody } from "../../schema/errors.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["contacts"] };
const RequestParams = z.object({ id: z.string().min(1).max(64) });
const UserParams = z.object({ userId: z.string().min(1).max(64) });
const blockedOr403 = jsonResponse(ErrorBody, "blocked: one of the two blocked the other; forbidden: see the description");

const sendRequest = createRoute({
  ...common,
  method: "post",
  path: "/v1/friends/requests",
  description:
    "Asks `to` to be friends. If `to` already asked the caller, that request is accepted instead (200). " +
    "Asking again while the caller's request is pending answers 200 with it. " +
    "`forbidden` when the caller already has MAX_PENDING_FRIEND_REQUESTS pending requests.",
  request: { body: jsonBody(CreateFriendRequest) },
  responses: {
    201: jsonResponse(FriendRequest, "the new pending request"),
    200: jsonResponse(FriendRequest, "the caller's pending request, or the other's request, now accepted"),
    ...errorResponses(400, 401, 413),
    403: blockedOr403,
    409: jsonResponse(ErrorBody, "already_friends"),
  },
});

const listRequests = createRoute({
  ...common,
  method: "get",
  path: "/v1/friends/requests",
  description: "Pending requests sent to the caller (`in`) or by the caller (`out`), newest first.",
  request: { query: RequestListQuery },
  responses: { 200: jsonResponse(FriendRequestPage, "a page of pending requests"), ...errorResponses(400, 401) },
});

const answer = (action: "accept" | "reject" | "cancel", description: string) =>
  createRoute({
    ...common,
    method: "post",
    path: `/v1/friends/requests/{id}/${action}`,
    description: `${description} Doing it again answers the same. \`forbidden\` when the request is not the caller's to ${action}, or no longer pending.`,
    request: { params: RequestParams },
    responses: { 200: jsonResponse(FriendRequest, "the request now"), ...errorResponses(401, 404), 403: blockedOr403 },
  });

const listFriends = createRoute({
  ...common,
  method: "get",
  path: "/v1/friends",
  description: "The caller's friends, most recent first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(ContactPage, "a page of friends"), ...errorResponses(400, 401) },
});

const unfriend = createRoute({
  ...common,
  method: "delete",
  path: "/v1/friends/{userId}",
  description: "Ends a friendship, for both.",
  request: { params: UserParams },
  responses: { 204: { description: "no longer friends" }, ...errorResponses(401, 404) },
});

const listBlocks = createRoute({
  ...common,
  method: "get",
  path: "/v1/blocks",
  description: "The users the caller blocked, most recent first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(ContactPage, "a page of blocked users"), ...errorResponses(400, 401) },
});

const block = createRoute({
  ...common,
  method: "put",
  path: "/v1/blocks/{userId}",
  description:
    "Blocks a user. Until the caller unblocks them, neither can open or send in their direct conversation or send the other " +
    "a friend request (`blocked`), nor see the other's presence. Ends their friendship and closes the requests between them.",
  request: { params: UserParams },
  responses: {
    201: jsonResponse(Contact, "blocked"),
    200: jsonResponse(Contact, "was blocked already"),
    ...errorResponses(400, 401, 404),
  },
});

const unblock = createRoute({
  ...common,
  method: "delete",
  path: "/v1/blocks/{userId}",
  request: { params: UserParams },
  responses: { 204: { description: "unblocked" }, ...errorResponses(401, 404) },
});

export const contactRoutes = new OpenAPIHono<AppEnv>()
  .openapi(sendRequest, async (c) => {
    const { request, created } = await c.get("services").contacts.request(c.get("auth").userId, c.req.valid("json"));
    return c.json(request, created ? 201 : 200);
  })
  .openapi(listRequests, async (c) => c.json(await c.get("services").contacts.requests(c.get("auth").userId, c.req.valid("query")), 200))
  .openapi(answer("accept", "The recipient accepts: the two are friends."), async (c) =>
    c.json(await c.get("services").contacts.accept(c.get("auth").userId, c.req.valid("param").id), 200),
  )
  .openapi(answer("reject", "The recipient declines."), async (c) =>
    c.json(await c.get("services").contacts.reject(c.get("auth").userId, c.req.valid("param").id), 200),
  )
  .openapi(answer("cancel", "The sender takes the request back."), async (c) =>
    c.json(await c.get("services").contacts.cancel(c.get("auth").userId, c.req.valid("param").id), 200),
  )
  .openapi(listFriends, async (c) => c.json(await c.get("services").contacts.friends(c.get("auth").userId, c.req.valid("query")), 200))
  .openapi(unfriend, async (c) => {
    await c.get("services").contacts.unfriend(c.get("auth").userId, c.req.valid("param").userId);
    return c.body(null, 204);
  })
  .openapi(listBlocks, async (c) => c.json(await c.get("services").contacts.blocks(c.get("auth").userId, c.req.valid("query")), 200))
  .openapi(block, async (c) => {
    const { contact, created } = await c.get("services").contacts.block(c.get("auth").userId, c.req.valid("param").userId);
    return c.json(contact, created ? 201 : 200);
  })
  .openapi(unblock, async (c) => {
    await c.get("services").contacts.unblock(c.get("auth").userId, c.req.valid("param").userId);
    return c.body(null, 204);
  });
