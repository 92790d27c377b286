// What the realtime core needs from a socket; each runtime adapter provides one.

export interface Connection {
  /** Unique per socket. */
  readonly id: string;
  /**
   * Queues a text frame. Returns false, queuing nothing, when the frame does not fit within the
   * socket's limit of queued bytes: the caller must then close with TOO_SLOW (never skip).
   */
  send(text: string): boolean;
  /**
   * True while frames queue up behind the socket beyond a low watermark: message delivery then
   * waits for the adapter to call `Session.drained()`. Optional: without it (a runtime that does
   * not show its socket buffers), frames are written as they come and only `send()`'s limit applies.
   */
  congested?(): boolean;
  /** Bytes queued for the socket that the network has not taken yet (with `congested`). */
  queuedBytes?(): number;
  close(code: number, reason: string): void;
}
