import { z } from "zod";

// The contract's error codes (PROTOCOL.md "Errors", v1.1 included) and the HTTP status each one
// maps to. The same codes travel in WebSocket `error` frames.
export const errorStatus = {
  invalid_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  blocked: 403,
  muted: 403,
  conversation_closed: 403,
  not_editable: 403,
  not_found: 404,
  username_taken: 409,
  already_friends: 409,
  /** the conversation changed between judging a write and committing it: retry */
  conflict: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
} as const;
export type ErrorCode = keyof typeof errorStatus;
export const ErrorCode = z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]).meta({ id: "ErrorCode" });

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBody>;
