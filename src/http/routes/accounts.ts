// /v1/auth/*, /v1/me and /v1/users (PROTOCOL.md "Accounts").
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AuthResponse, LoginRequest, RefreshRequest, RegisterRequest, User, UserList, UserQuery } from "../../schema/accounts.ts";
import { requireAuth } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { bearer, errorResponses, jsonBody, jsonResponse } from "../openapi.ts";

const tags = ["accounts"];

const register = createRoute({
  method: "post",
  path: "/v1/auth/register",
  tags,
  request: { body: jsonBody(RegisterRequest) },
  responses: { 201: jsonResponse(AuthResponse, "registered and logged in"), ...errorResponses(400, 409, 413, 429) },
});

const login = createRoute({
  method: "post",
  path: "/v1/auth/login",
  tags,
  request: { body: jsonBody(LoginRequest) },
  responses: { 200: jsonResponse(AuthResponse, "logged in"), ...errorResponses(400, 401, 429) },
});

const refresh = createRoute({
  method: "post",
  path: "/v1/auth/refresh",
  tags,
  description: "Rotates the refresh token. A spent refresh token presented again revokes the whole login.",
  request: { body: jsonBody(RefreshRequest) },
  responses: { 200: jsonResponse(AuthResponse, "a new token pair"), ...errorResponses(400, 401, 429) },
});

const logout = createRoute({
  method: "post",
  path: "/v1/auth/logout",
  tags,
  description: "Revokes the current login: its refresh token stops working and its sockets are closed (4010).",
  security: bearer,
  middleware: requireAuth,
  responses: { 204: { description: "logged out" }, ...errorResponses(401) },
});

const me = createRoute({
  method: "get",
  path: "/v1/me",
  tags,
  security: bearer,
  middleware: requireAuth,
  responses: { 200: jsonResponse(User, "the caller"), ...errorResponses(401) },
});

const users = createRoute({
  method: "get",
  path: "/v1/users",
  tags,
  description: "Users whose username starts with `q`, or the users named by `ids` (those that exist, in the order asked).",
  security: bearer,
  middleware: requireAuth,
  request: { query: UserQuery },
  responses: { 200: jsonResponse(UserList, "matching users"), ...errorResponses(400, 401) },
});

/** A token pair for the client; never cached anywhere on the way. */
const tokens = <S extends 200 | 201>(c: Context<AppEnv>, auth: AuthResponse, status: S) => {
  c.set("loggedIn", auth.user);
  c.header("Cache-Control", "no-store");
  return c.json(auth, status);
};

export const accountRoutes = new OpenAPIHono<AppEnv>()
  .openapi(register, async (c) => tokens(c, await c.get("services").accounts.register(c.req.valid("json")), 201))
  .openapi(login, async (c) => tokens(c, await c.get("services").accounts.login(c.req.valid("json")), 200))
  .openapi(refresh, async (c) => tokens(c, await c.get("services").accounts.refresh(c.req.valid("json").refreshToken), 200))
  .openapi(logout, async (c) => {
    await c.get("services").accounts.logout(c.get("auth").loginId, c.get("auth").userId);
    return c.body(null, 204);
  })
  .openapi(me, async (c) => c.json(await c.get("services").accounts.me(c.get("auth").userId), 200))
  .openapi(users, async (c) => {
    const { q, ids, limit } = c.req.valid("query");
    const accounts = c.get("services").accounts;
    return c.json({ items: ids ? await accounts.byIds(ids) : await accounts.search(q!, limit) }, 200);
  });

