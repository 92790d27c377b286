// Running a group: members, roles, mutes, settings, transfer, dissolve — each change an entry of
// the conversation's log (docs/protocol.md "Groups").
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { Message } from "../../schema/messages.ts";
import {
  AddMembersRequest,
  AdminRequest,
  ConvParams,
  EntryList,
  MemberParams,
  TransferRequest,
  UpdateConversationRequest,
  UpdateMemberRequest,
} from "../../schema/requests.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["groups"] };
const entryResponses = (what: string) => ({
  201: jsonResponse(Message, `the ${what} entry, after the durable commit`),
  200: jsonResponse(Message, "already done with this clientId: the original entry"),
  ...errorResponses(400, 401, 403, 404, 409),
});

const addMembers = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/members",
  description: "Admins and the owner. New members' sockets get a `conversation` frame, then the log from where `history` says.",
  request: { params: ConvParams, body: jsonBody(AddMembersRequest) },
  responses: entryResponses("members_added"),
});

const removeMember = createRoute({
  ...common,
  method: "delete",
  path: "/v1/conversations/{id}/members/{userId}",
  description:
    "Admins remove members, the owner removes anyone, anyone removes themselves (leaving; an owner transfers first). " +
    "The removed member reads up to and including this entry, and nothing after.",
  request: { params: MemberParams, query: AdminRequest },
  responses: entryResponses("member_removed"),
});

const updateMember = createRoute({
  ...common,
  method: "patch",
  path: "/v1/conversations/{id}/members/{userId}",
  description: "The owner sets roles (admin, member); admins mute members (the owner also admins) until `mutedUntil`.",
  request: { params: MemberParams, body: jsonBody(UpdateMemberRequest) },
  responses: { 200: jsonResponse(EntryList, "the entries made (a role_changed and/or a member_muted)"), ...errorResponses(400, 401, 403, 404, 409) },
});

const transfer = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/transfer",
  description: "The owner hands the group to another member and becomes an admin.",
  request: { params: ConvParams, body: jsonBody(TransferRequest) },
  responses: entryResponses("ownership_transferred"),
});

const update = createRoute({
  ...common,
  method: "patch",
  path: "/v1/conversations/{id}",
  description: "Admins and the owner change the title, topic, avatar, who may send (onlyAdminsSend) and what new members read (history).",
  request: { params: ConvParams, body: jsonBody(UpdateConversationRequest) },
  responses: entryResponses("conversation_updated"),
});

const dissolve = createRoute({
  ...common,
  method: "delete",
  path: "/v1/conversations/{id}",
  description: "The owner closes the group: it stays readable, and every write is refused with conversation_closed.",
  request: { params: ConvParams, query: AdminRequest },
  responses: entryResponses("dissolved"),
});

export const groupRoutes = new OpenAPIHono<AppEnv>()
  .openapi(addMembers, async (c) => {
    const { message, created } = await c.get("services").groups.addMembers(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(removeMember, async (c) => {
    const { id, userId } = c.req.valid("param");
    const { message, created } = await c.get("services").groups.removeMember(c.get("auth").userId, id, userId, c.req.valid("query"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(updateMember, async (c) => {
    const { id, userId } = c.req.valid("param");
    const made = await c.get("services").groups.updateMember(c.get("auth").userId, id, userId, c.req.valid("json"));
    return c.json({ items: made.map((m) => m.message) }, 200);
  })
  .openapi(transfer, async (c) => {
    const { message, created } = await c.get("services").groups.transfer(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(update, async (c) => {
    const { message, created } = await c.get("services").groups.update(c.get("auth").userId, c.req.valid("param").id, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(dissolve, async (c) => {
    const { message, created } = await c.get("services").groups.dissolve(c.get("auth").userId, c.req.valid("param").id, c.req.valid("query"));
    return c.json(message, created ? 201 : 200);
  });
