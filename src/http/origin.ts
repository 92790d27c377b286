// Which browser origins may call the API (CORS, in app.ts) and open GET /v1/ws. Non-browser
// clients send no Origin and pass.
import type { MiddlewareHandler } from "hono";
import { AppError } from "../core/errors.ts";
import type { AppEnv } from "./env.ts";

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/** `allowed` unset means development: any localhost origin. "*" allows every origin. */
export function originAllowed(origin: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (!origin) return true;
  if (!allowed) return LOCALHOST.test(origin);
  return allowed.includes("*") || allowed.includes(origin);
}

/**
 * Before the runtime's WebSocket upgrade: a page of another origin gets 403. CORS does not
 * apply to WebSockets, so without this any site could open a socket with its visitor's token.
 */
export const allowedOriginsOnly =
  (allowed: readonly string[] | undefined): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    if (!originAllowed(c.req.header("Origin"), allowed)) throw new AppError("forbidden", "origin not allowed");
    await next();
  };
