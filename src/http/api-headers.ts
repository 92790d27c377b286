// What every /v1 answer carries besides its body: Cache-Control: no-store (answers carry tokens
// and private messages: no cache on the way may keep them) and CORS for browser apps on an
// allowed origin. Preflights (OPTIONS) go to Hono's cors; every other request gets the same
// headers that middleware would give it, written once onto the final answer. Hono's cors sets
// them before the route runs, which makes a placeholder Response that the route's answer is then
// copied over, and c.header() after the answer copies it again: three Responses per request
// (building them was 2.2% of a bench:http profile of sends, now 0.3-0.7%).
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./env.ts";
import { originAllowed } from "./origin.ts";

const EXPOSED = ["Retry-After", "X-Request-Id"];

export function apiHeaders(allowedOrigins: readonly string[] | undefined): MiddlewareHandler<AppEnv> {
  const allowOrigin = (origin: string) => (originAllowed(origin, allowedOrigins) ? origin : null);
  const preflight = cors({ origin: allowOrigin, allowHeaders: ["Authorization", "Content-Type"], exposeHeaders: EXPOSED, maxAge: 600 });
  const exposed = EXPOSED.join(",");
  return async (c, next) => {
    if (c.req.method === "OPTIONS") {
      c.res = (await preflight(c, next)) as Response; // a preflight always answers (204)
    } else {
      await next();
      // Our answers' headers are mutable (secureHeaders writes them the same way).
      const origin = allowOrigin(c.req.header("Origin") ?? "");
      if (origin) c.res.headers.set("Access-Control-Allow-Origin", origin);
      c.res.headers.set("Access-Control-Expose-Headers", exposed);
      c.res.headers.append("Vary", "Origin");
    }
    if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
  };
}
