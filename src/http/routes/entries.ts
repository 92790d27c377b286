// Edits, recalls and reactions: each an entry of the conversation's log (docs/protocol.md "Entries").
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { newId } from "../../core/random.ts";
import { Message } from "../../schema/messages.ts";
import { EditRequest, EntryParams, ReactionParams, ReactionQuery, ReactionUnchanged, RecallRequest } from "../../schema/requests.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const common = { security: bearer, middleware: requireAuth, tags: ["entries"] };
const entryResponses = {
  201: jsonResponse(Message, "the new entry, after the durable commit"),
  200: jsonResponse(Message, "already done with this clientId: the original entry"),
  ...errorResponses(400, 401, 403, 404, 409),
};

const edit = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/messages/{seq}/edit",
  description: "Only the sender's own text entries, within EDIT_WINDOW_S (not_editable otherwise).",
  request: { params: EntryParams, body: jsonBody(EditRequest) },
  responses: entryResponses,
});

const recall = createRoute({
  ...common,
  method: "post",
  path: "/v1/conversations/{id}/messages/{seq}/recall",
  description:
    "The sender within RECALL_WINDOW_S; a group's admins and owner at any time. The recalled entry's content, and the text of its " +
    "edits, are gone for everyone.",
  request: { params: EntryParams, body: jsonBody(RecallRequest) },
  responses: entryResponses,
});

const reaction = (method: "put" | "delete") =>
  createRoute({
    ...common,
    method,
    path: "/v1/conversations/{id}/messages/{seq}/reactions/{emoji}",
    description: `${method === "put" ? "Adds" : "Takes back"} the caller's reaction: 201 with the entry, or 200 when it already stood so (no entry).`,
    request: { params: ReactionParams, query: ReactionQuery },
    responses: {
      201: jsonResponse(Message, "the reaction entry"),
      200: jsonResponse(ReactionUnchanged, "nothing changed"),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  });

export const entryRoutes = new OpenAPIHono<AppEnv>()
  .openapi(edit, async (c) => {
    const { id, seq } = c.req.valid("param");
    const { message, created } = await c.get("services").messages.edit(c.get("auth").userId, id, seq, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  })
  .openapi(recall, async (c) => {
    const { id, seq } = c.req.valid("param");
    const { message, created } = await c.get("services").messages.recall(c.get("auth").userId, id, seq, c.req.valid("json"));
    return c.json(message, created ? 201 : 200);
  });

for (const method of ["put", "delete"] as const) {
  entryRoutes.openapi(reaction(method), async (c) => {
    const { id, seq, emoji } = c.req.valid("param");
    const on = method === "put";
    // time-ordered, like the SDK's (src/client/client-ids.ts): cheapest for the idempotency index
    const clientId = c.req.valid("query").clientId ?? newId();
    const result = await c.get("services").messages.react(c.get("auth").userId, id, seq, { emoji, on, clientId });
    // A retry with a clientId already used changed nothing either.
    if ("changed" in result || !result.created) return c.json({ changed: false as const, target: seq, emoji, on }, 200);
    return c.json(result.message, 201);
  });
}
