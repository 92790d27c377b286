// The SDK's one error type: HTTP error bodies, WebSocket `error` frames and client-side failures.
import type { ErrorCode } from "../schema/errors.ts";

export class ParleyError extends Error {
  constructor(
    /** the contract's code (`invalid_request`, `unauthorized`, ...) or a client one (`closed`, `kicked`, `network`) */
    readonly code: string,
    message: string,
    /** HTTP status, when the error came from an HTTP answer */
    readonly status?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ParleyError";
  }
}

/** The server's error codes after which the same frame may pass later; any other is definitive. */
const TRANSIENT = new Set<ErrorCode>(["rate_limited", "internal"]);
export const isDefinitive = (code: string): boolean => !TRANSIENT.has(code as ErrorCode);
