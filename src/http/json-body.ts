// What every /v1 request body passes before its route (uploads excepted: their bodies are not
// JSON and stream to storage under their own limit, MAX_UPLOAD_BYTES in routes/uploads.ts): the
// size limit (413 payload_too_large), then, for a JSON body, the lone-surrogate check
// (schema/text.ts). One middleware, and a body with a Content-Length is judged on it without
// touching the body: Hono's bodyLimit asks for the request's body stream first, which on Bun
// costs a stream object per request (several µs of an HTTP send). Bodies sent without a length
// (chunked) are counted by Hono's bodyLimit as they arrive.
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError, invalid } from "../core/errors.ts";
import { LONE_SURROGATE_MESSAGE, mayHoldLoneSurrogate, wellFormedJson } from "../schema/text.ts";
import type { AppEnv } from "./env.ts";

export function jsonBodyChecks(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => {
    throw new AppError("payload_too_large", "request body is too large");
  };
  const counted = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  const surrogates: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (!c.req.header("Content-Type")?.toLowerCase().includes("json")) return next();
    const text = await c.req.text();
    if (mayHoldLoneSurrogate(text)) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return next(); // the route's validator answers it
      }
      if (!wellFormedJson(json)) throw invalid(LONE_SURROGATE_MESSAGE);
    }
    return next();
  };
  return async (c, next) => {
    if (c.req.method === "POST" && c.req.path === "/v1/uploads") return next();
    const length = c.req.header("Content-Length");
    if (length === undefined || c.req.header("Transfer-Encoding") !== undefined) {
      return counted(c, async () => {
        await surrogates(c, next); // it answers only by throwing
      });
    }
    // as Hono's bodyLimit reads it
    if (parseInt(length, 10) > maxBytes) tooLarge();
    return surrogates(c, next);
  };
}
