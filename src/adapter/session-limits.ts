// The realtime limits of the configuration, as the core's sessions take them: one reading for
// both runtimes.
import type { Config } from "../config.ts";
import { defaultLimits, type SessionLimits } from "../realtime/session.ts";

export const sessionLimitsFrom = (config: Config): SessionLimits => ({
  ...defaultLimits,
  heartbeatMs: config.HEARTBEAT_MS,
  helloTimeoutMs: config.HELLO_TIMEOUT_MS,
  framesPerSec: config.WS_FRAMES_PER_SEC,
  frameBurst: config.WS_FRAME_BURST,
});
