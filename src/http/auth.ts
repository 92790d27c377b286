// Bearer authentication: a valid access token of a login that is still active, or a bot token
// whose scopes allow the route (src/core/scopes.ts: routes not listed there are closed to bots).
import { createMiddleware } from "hono/factory";
import { AppError } from "../core/errors.ts";
import { requireScope } from "../core/scopes.ts";
import type { AppEnv } from "./env.ts";

export const bearerToken = (header: string | undefined): string | null => {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
};

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("Authorization"));
  if (!token) throw new AppError("unauthorized", "missing bearer token");
  const claims = await c.get("services").accounts.authenticate(token);
  if (!claims) throw new AppError("unauthorized", "invalid or expired token");
  requireScope(claims, `${c.req.method} ${c.req.routePath}`);
  c.set("auth", claims);
  await next();
});
