// Small helpers so route definitions read like the contract.
import type { ZodType } from "zod";
import { ErrorBody } from "../schema/errors.ts";

export const jsonBody = <T extends ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const jsonResponse = <T extends ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const errorDescriptions = {
  400: "invalid_request: the body or parameters failed validation",
  401: "unauthorized or invalid_credentials",
  403: "forbidden, blocked, muted (details.until), conversation_closed or not_editable",
  404: "not_found (also for conversations the caller is not a member of)",
  409: "username_taken, already_friends, or conflict (the conversation changed meanwhile: retry)",
  413: "payload_too_large",
  429: "rate_limited, with Retry-After",
} as const;

export const errorResponses = (...statuses: (keyof typeof errorDescriptions)[]) =>
  Object.fromEntries(statuses.map((s) => [s, jsonResponse(ErrorBody, errorDescriptions[s])])) as {
    [K in (typeof statuses)[number]]: ReturnType<typeof jsonResponse<typeof ErrorBody>>;
  };

export const bearer = [{ bearer: [] }];
