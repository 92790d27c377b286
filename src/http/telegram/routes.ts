// /tg/bot<token>/<method>: the Telegram Bot API's surface, so a bot written for grammY or
// telegraf runs against Parley with only its API root changed. Telegram's envelope: {ok: true,
// result} or {ok: false, error_code, description}; a wrong or revoked token is 401, an unknown
// method 404, a missing or bad field 400 naming it, a bot outside its scopes or conversations
// 403 — never a 500 for what a client sent.
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isBotToken } from "../../core/bots.ts";
import { AppError } from "../../core/errors.ts";
import { requireScope } from "../../core/scopes.ts";
import type { AppEnv } from "../env.ts";
import { isMethod, methods } from "./methods.ts";
import { telegramParams } from "./params.ts";

const PREFIX: Partial<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  413: "Request Entity Too Large",
  429: "Too Many Requests",
};

function failure(c: Context, status: number, message: string, retryAfter?: number) {
  const prefix = PREFIX[status] ?? "Internal Server Error";
  const description = message && message !== prefix ? `${prefix}: ${message}` : prefix;
  const parameters = retryAfter === undefined ? {} : { parameters: { retry_after: retryAfter } };
  return c.json({ ok: false, error_code: status, description, ...parameters }, status as ContentfulStatusCode);
}

/** A domain error as Telegram's: the fields it names go into the description. */
function describe(err: AppError): string {
  const fields = Array.isArray(err.details) ? err.details.map((d: { field?: string }) => d.field).filter(Boolean) : [];
  return fields.length > 0 ? `${err.message}: ${fields.join(", ")}` : err.message;
}

async function call(c: Context<AppEnv>) {
  const { bot, method } = c.req.param() as { bot: string; method: string };
  const token = bot.startsWith("bot") ? bot.slice(3) : "";
  const services = c.get("services");
  const claims = isBotToken(token) ? await services.accounts.authenticate(token) : null;
  if (!claims) return failure(c, 401, "");
  if (!isMethod(method)) return failure(c, 404, `method ${method} is not supported`);
  requireScope(claims, `tg:${method}`);
  const { params, run } = methods[method];
  const parsed = params.safeParse(await telegramParams(c.req.raw));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    const missing = issue.code === "invalid_type" && issue.input === undefined;
    return failure(c, 400, missing ? `${field} is required` : `${field}: ${issue.message}`);
  }
  const result = await (run as (call: unknown, p: unknown) => Promise<unknown>)(
    { services, botId: claims.userId, token, signal: c.req.raw.signal },
    parsed.data,
  );
  return c.json({ ok: true, result });
}

export const telegramRoutes = new Hono<AppEnv>()
  .on(["GET", "POST"], "/tg/:bot/:method", async (c) => {
    try {
      return await call(c);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err; // the app's onError logs it
      const retryAfter = err.code === "rate_limited" ? ((err.details as { retryAfter?: number })?.retryAfter ?? 1) : undefined;
      return failure(c, err.status, describe(err), retryAfter);
    }
  });
