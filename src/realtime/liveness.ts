// When a socket has to go: no hello in time (4001), silent for longer than 2 × heartbeat (4000),
// or backed up without taking anything for `drainTimeoutMs` (4008). Time is passed in; the
// runtime calls the session's tick every few seconds (Bun) or at nextDueAt (Workers' alarm).
import { CloseCode } from "../schema/close-codes.ts";

export interface LivenessLimits {
  heartbeatMs: number;
  helloTimeoutMs: number;
  drainTimeoutMs: number;
}

export interface Verdict {
  code: number;
  reason: string;
}

export class Liveness {
  openedAt: number;
  lastHeard: number;
  /** since when a delivery waits for the socket to drain; null while it is not backed up */
  #backedUpSince: number | null = null;
  /** the socket's queued bytes at the last check, to see whether it took anything since */
  #queuedAtCheck: number | undefined;

  constructor(
    private readonly limits: LivenessLimits,
    now: number,
  ) {
    this.openedAt = this.lastHeard = now;
  }

  /** The client was heard at `at` (a frame, a protocol ping, a runtime's automatic answer). */
  heard(at: number): void {
    this.lastHeard = Math.max(this.lastHeard, at);
  }

  /** A delivery started waiting for the socket to drain. */
  backedUp(now: number): void {
    this.#backedUpSince ??= now;
  }

  /** The socket took what was queued (the adapter's drain event). */
  drained(): void {
    this.#backedUpSince = null;
    this.#queuedAtCheck = undefined;
  }

  /** Whether the socket must be closed now, and how. */
  due(now: number, state: { authenticated: boolean; helloPending: boolean; queuedBytes?: number }): Verdict | null {
    if (!state.authenticated && !state.helloPending && now - this.openedAt > this.limits.helloTimeoutMs) {
      return { code: CloseCode.UNAUTHORIZED, reason: "no hello" };
    }
    if (this.#backedUpSince !== null) {
      // A slow reader that keeps taking something is not stuck: its clock starts again.
      if (state.queuedBytes !== undefined && this.#queuedAtCheck !== undefined && state.queuedBytes < this.#queuedAtCheck) {
        this.#backedUpSince = now;
      }
      this.#queuedAtCheck = state.queuedBytes;
      if (now - this.#backedUpSince > this.limits.drainTimeoutMs) return { code: CloseCode.TOO_SLOW, reason: "too slow to keep up" };
    }
    if (now - this.lastHeard > 2 * this.limits.heartbeatMs) return { code: CloseCode.IDLE, reason: "idle timeout" };
    return null;
  }

  /**
   * When due() may next have something to say (a runtime that schedules wake-ups, not sweeps).
   * Back-ups are not counted: runtimes that schedule have no backpressure.
   */
  nextDueAt(authenticated: boolean): number {
    if (!authenticated) return this.openedAt + this.limits.helloTimeoutMs + 1;
    return this.lastHeard + 2 * this.limits.heartbeatMs + 1;
  }
}
