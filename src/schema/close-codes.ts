// WebSocket close codes of GET /v1/ws (PROTOCOL.md "Close codes"), shared by the server and the
// client SDK, which decides from them whether and how to reconnect.
export const CloseCode = {
  /** silent for longer than 2 × heartbeatMs */
  IDLE: 4000,
  /** no hello in time, or a bad token: ask for a new token once, then stop */
  UNAUTHORIZED: 4001,
  /** a protocol violation (a frame before hello, a second hello, a binary frame) */
  PROTOCOL: 4003,
  /** the socket could not take what it was owed in time (it stops reading, or reads too slowly) */
  TOO_SLOW: 4008,
  /** persistent abuse of the frame rate limit */
  RATE_LIMITED: 4009,
  /** the same device connected again, too many devices, or the login was revoked: do not reconnect */
  KICKED: 4010,
  /** a frame over the size limit */
  TOO_BIG: 1009,
  /** the server failed */
  INTERNAL: 1011,
  /** the server is restarting (graceful shutdown): reconnect at once, without backoff */
  SERVICE_RESTART: 1012,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
