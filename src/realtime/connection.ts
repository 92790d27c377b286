// What the realtime core needs from a socket; each runtime adapter provides one.

export interface Connection {
  /** Unique per socket. */
  readonly id: string;
  /**
   * Queues a text frame. Returns false when the socket cannot take it within its buffer limit
   * (a slow reader): the caller must then close with TOO_SLOW rather than skip a message.
   */
  send(text: string): boolean;
  /**
   * True while frames queue up behind the socket beyond a low watermark: message delivery then
   * waits for the adapter to call `Session.drained()`. Optional: without it, frames are written
   * as they come and only `send()`'s limit applies.
   */
  congested?(): boolean;
  close(code: number, reason: string): void;
}

// Close codes (PROTOCOL.md "Close codes", plus IDLE for heartbeat timeouts).
export const CloseCode = {
  IDLE: 4000,
  UNAUTHORIZED: 4001,
  PROTOCOL: 4003,
  TOO_SLOW: 4008,
  RATE_LIMITED: 4009,
  KICKED: 4010,
  TOO_BIG: 1009,
} as const;
