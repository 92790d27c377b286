// GET /metrics (PROTOCOL.md "Operations") and the HTTP figures behind it: requests by route
// pattern and status, error answers by code. The exposition itself is the runtime's (the
// metrics port has no text format); a runtime without one answers 501.
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { timingSafeEqual } from "hono/utils/buffer";
import { AppError } from "../core/errors.ts";
import type { Metrics } from "../core/metrics.ts";
import { bearerToken } from "./auth.ts";
import type { AppEnv } from "./env.ts";

export interface MetricsExposition {
  contentType: string;
  render(): Promise<string>;
}

/**
 * Counts every request under the route pattern that answered it (`/v1/conversations/:id`, never
 * the raw path: one series per route), and every error answer under its code.
 */
export const countRequests =
  (metrics: Metrics): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    await next();
    const status = c.res.status;
    // No route answered (404 of notFound): a wildcard middleware was the last to run.
    const route = status === 404 && routePath(c).endsWith("*") ? "unmatched" : routePath(c);
    metrics.inc("parley_http_requests_total", { method: c.req.method, route, status: String(status) });
    const code = c.get("errorCode");
    if (code) metrics.inc("parley_errors_total", { code, transport: "http" });
  };

/** GET /metrics: with METRICS_TOKEN set, only for `Authorization: Bearer <METRICS_TOKEN>`. */
export const metricsHandler =
  (exposition: MetricsExposition | undefined, token: string | undefined): MiddlewareHandler<AppEnv> =>
  async (c) => {
    if (token !== undefined) {
      const given = bearerToken(c.req.header("Authorization"));
      if (given === null || !(await timingSafeEqual(given, token))) throw new AppError("unauthorized", "GET /metrics needs the METRICS_TOKEN bearer token");
    }
    if (!exposition) throw new AppError("not_implemented", "this runtime does not serve metrics here (see README \"Operations\")");
    return c.body(await exposition.render(), 200, { "Content-Type": exposition.contentType, "Cache-Control": "no-store" });
  };
