// A refusal as people read it: the server's error codes (docs/protocol.md "Errors") in words,
// saying what can be done about it where something can.
import { duration, fileSize } from "./format.ts";

interface ErrorLike {
  code?: string;
  message?: string;
  details?: unknown;
}

export function describeError(error: unknown): string {
  const { code, message, details } = (error ?? {}) as ErrorLike;
  const said = (details ?? {}) as Record<string, unknown>;
  switch (code) {
    case "network":
      return "Cannot reach the server. Please try again when you are back online.";
    case "invalid_credentials":
      return "Wrong username or password.";
    case "username_taken":
      return "That username is taken.";
    case "rate_limited":
      return "Too many at once. Please wait a moment and try again.";
    case "payload_too_large":
      return typeof said.maxBytes === "number" ? `Too large: files may be at most ${fileSize(said.maxBytes)}.` : "Too large.";
    case "not_editable":
      return typeof said.window === "number" ? `Too late: that can only be done within ${duration(said.window)} of sending.` : sentence(message);
    case "blocked":
      return "Not possible: one of you blocked the other.";
    case "conversation_closed":
      return "This group was closed.";
    case "muted":
      return typeof said.until === "number" ? `You are muted here until ${new Date(said.until).toLocaleString()}.` : "You are muted here.";
    case "invalid_request": {
      const fields = Array.isArray(details) ? (details as { field: string; message: string }[]) : [];
      return fields.map((f) => `${f.field}: ${f.message}`).join(". ") || sentence(message);
    }
    default:
      return sentence(message);
  }
}

const sentence = (message: string | undefined) => (message ? `${message[0]!.toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? "" : "."}` : "Something went wrong.");
