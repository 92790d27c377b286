// Every failure leaves as {"error": {code, message, details?}} with the contract's status.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { AppError } from "../core/errors.ts";
import { log } from "../log.ts";

export const errorResponse = (c: Context, err: AppError) => {
  c.set("errorCode", err.code); // counted by the metrics middleware
  if (err.code === "rate_limited") c.header("Retry-After", String((err.details as { retryAfter?: number })?.retryAfter ?? 1));
  const error = { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
  return c.json({ error }, err.status as ContentfulStatusCode);
};

export const validationError = (error: ZodError) =>
  new AppError(
    "invalid_request",
    "request failed validation",
    error.issues.map((i) => ({ field: i.path.join(".") || "(body)", message: i.message })),
  );

export function onError(err: Error, c: Context) {
  if (err instanceof AppError) return errorResponse(c, err);
  if (err instanceof HTTPException) {
    if (err.status === 413) return errorResponse(c, new AppError("payload_too_large", "request body is too large"));
    if (err.status === 401) return errorResponse(c, new AppError("unauthorized", err.message || "unauthorized"));
    if (err.status < 500) return errorResponse(c, new AppError("invalid_request", err.message || "bad request"));
  }
  log("http").error("unhandled error {error}", { error: err, requestId: c.get("requestId") });
  return errorResponse(c, new AppError("internal", "internal error"));
}
