// GET /v1/search: full-text search over what the caller may read (docs/protocol.md "Search").
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { SearchPage, SearchQuery } from "../../schema/search.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonResponse } from "../openapi.ts";

const search = createRoute({
  method: "get",
  path: "/v1/search",
  tags: ["search"],
  description:
    "Content entries the caller may read whose current text has every word, phrase and prefix of `q`, newest first. " +
    "Recalled, cleared and hidden entries are never found; an edited one only by its current text.",
  security: bearer,
  middleware: requireAuth,
  request: { query: SearchQuery },
  responses: { 200: jsonResponse(SearchPage, "a page of hits"), ...errorResponses(400, 401) },
});

export const searchRoutes = new OpenAPIHono<AppEnv>().openapi(search, async (c) =>
  c.json(await c.get("services").search.search(c.get("auth").userId, c.req.valid("query")), 200),
);
