// The SDK's one error type: HTTP error bodies, WebSocket `error` frames and client-side failures.

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

/** Error codes after which resending the same frame cannot succeed. */
const TRANSIENT = new Set(["rate_limited", "internal", "unavailable"]);
export const isDefinitive = (code: string): boolean => !TRANSIENT.has(code);
