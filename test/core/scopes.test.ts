// Every /v1 route is decided for bots: it needs a scope (src/core/scopes.ts) or is one of the
// routes below that only people use. A route added later fails here until it is decided.
import { describe, expect, test } from "bun:test";
import { scopeFor } from "../../src/core/scopes.ts";
import { onBun, useTarget } from "../support/target.ts";

const PEOPLE_ONLY = new Set([
  "POST /v1/auth/register",
  "POST /v1/auth/login",
  "POST /v1/auth/refresh",
  "POST /v1/auth/logout",
  "POST /v1/bots",
  "GET /v1/bots",
  "DELETE /v1/bots/:id",
  "POST /v1/bots/:id/token",
  "POST /v1/friends/requests",
  "GET /v1/friends/requests",
  "POST /v1/friends/requests/:id/accept",
  "POST /v1/friends/requests/:id/reject",
  "POST /v1/friends/requests/:id/cancel",
  "GET /v1/friends",
  "DELETE /v1/friends/:userId",
  "GET /v1/blocks",
  "PUT /v1/blocks/:userId",
  "DELETE /v1/blocks/:userId",
  // push notifications reach a person's devices; a bot has none
  "GET /v1/push/vapid-key",
  "POST /v1/push/subscriptions",
  "DELETE /v1/push/subscriptions",
  // the socket itself: its frames are judged one by one ("ws:<t>")
  "GET /v1/ws",
]);

describe.if(onBun)("bot scopes", () => {
  const server = useTarget("bun");

  test("every /v1 route of the OpenAPI document needs a scope or is people-only", async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const undecided = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/v1/"))
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`))
      .filter((op) => scopeFor(op) === undefined && !PEOPLE_ONLY.has(op));
    expect(undecided).toEqual([]);
  });

  test("people-only routes have no scope", () => {
    expect([...PEOPLE_ONLY].filter((op) => scopeFor(op) !== undefined)).toEqual([]);
  });
});
