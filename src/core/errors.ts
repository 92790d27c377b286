import { errorStatus, type ErrorCode } from "../schema/errors.ts";

// The one error type of the domain. Adapters turn it into the contract's shape:
// HTTP {"error": {code, message, details}} with its status, WebSocket {"t":"error", ...}.
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  get status(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);
export const forbidden = (message: string, details?: unknown) => new AppError("forbidden", message, details);
export const invalid = (message: string, details?: unknown) => new AppError("invalid_request", message, details);
