// GET /v1/presence: online state and last seen of users who share a conversation with the caller.
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../core/errors.ts";
import { PresenceList, PresenceQuery } from "../../schema/presence.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonResponse } from "../openapi.ts";

const presence = createRoute({
  method: "get",
  path: "/v1/presence",
  tags: ["presence"],
  description:
    "Status of the given users. Users who share no conversation with the caller are left out. " +
    "Changes arrive live as `presence` frames on /v1/ws.",
  security: bearer,
  middleware: requireAuth,
  request: { query: PresenceQuery },
  responses: { 200: jsonResponse(PresenceList, "statuses, in the order asked"), ...errorResponses(400, 401) },
});

export const presenceRoutes = new OpenAPIHono<AppEnv>().openapi(presence, async (c) => {
  const queries = c.get("services").presence;
  if (!queries) throw new AppError("not_implemented", "presence is not configured on this server");
  return c.json({ items: await queries.of(c.get("auth").userId, c.req.valid("query").users) }, 200);
});
