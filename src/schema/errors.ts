import { z } from "zod";

// The contract's error codes (PROTOCOL.md "Errors") and the HTTP status each one maps to.
export const errorStatus = {
  invalid_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  username_taken: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
} as const;
export type ErrorCode = keyof typeof errorStatus;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "invalid_request" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorBody = z.infer<typeof ErrorBody>;
