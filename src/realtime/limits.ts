// The bounds of one socket (see Session), from configuration once for every runtime.
import type { Config } from "../config.ts";

export interface SessionLimits {
  heartbeatMs: number;
  helloTimeoutMs: number;
  /** frames per second a connection may send, sustained, and at once */
  framesPerSec: number;
  frameBurst: number;
  /** rejected frames in a row after which the connection is closed (4009) */
  maxRejected: number;
  /** typing relays per conversation per second */
  typingPerSec: number;
  /**
   * Bytes one socket may have queued; the adapter refuses more (TOO_SLOW). History pages and the
   * live messages a stream holds aside are sized from it, so that they fit.
   */
  maxQueuedBytes: number;
  /** requests of one socket answered at once; a send counts until its ack has left */
  maxInflight: number;
  /** bytes of request frames waiting behind those; further ones are refused with rate_limited */
  maxWaitingBytes: number;
  /** how long a congested socket may take nothing before it counts as too slow (4008) */
  drainTimeoutMs: number;
}

export const defaultLimits: SessionLimits = {
  heartbeatMs: 30_000,
  helloTimeoutMs: 10_000,
  framesPerSec: 1000,
  frameBurst: 2000,
  maxRejected: 100,
  typingPerSec: 1,
  maxQueuedBytes: 8 * 1024 * 1024,
  maxInflight: 32,
  maxWaitingBytes: 1024 * 1024,
  drainTimeoutMs: 5_000,
};

export const sessionLimitsFrom = (config: Config): SessionLimits => ({
  ...defaultLimits,
  heartbeatMs: config.HEARTBEAT_MS,
  helloTimeoutMs: config.HELLO_TIMEOUT_MS,
  framesPerSec: config.WS_FRAMES_PER_SEC,
  frameBurst: config.WS_FRAME_BURST,
  maxQueuedBytes: config.MAX_BUFFERED_BYTES,
  maxInflight: config.WS_MAX_IN_FLIGHT,
  drainTimeoutMs: config.DRAIN_TIMEOUT_MS,
});
