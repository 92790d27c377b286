// One WebSocket to GET /v1/ws: hello on open, frames in and out (validated with the shared
// schemas), request/answer by rid, heartbeat pings and dead-socket detection. It ends exactly
// once, by the server's close, a network failure or a local timeout, and reports how.
import type { ClientFrame } from "../schema/frames.ts";
import { CloseCode } from "../schema/close-codes.ts";
import { ServerFrame } from "../schema/frames.ts";
import { ParleyError } from "./errors.ts";

/** The WebSocket constructor (global in browsers, Bun, Deno, Workers, Node 22+). */
export type WebSocketLike = new (url: string) => WebSocket;

/** Close codes the client reports for ends it detected itself. */
export const LocalClose = { TIMEOUT: CloseCode.IDLE } as const;

export interface SocketHandlers {
  /** a validated server frame, and the raw object (for fields the schema does not know) */
  frame(frame: ServerFrame, raw: Record<string, unknown>): void;
  invalid(raw: unknown, error: unknown): void;
  /** called once, when the socket is gone for whatever reason */
  gone(code: number, reason: string): void;
}

export interface SocketOptions {
  connectTimeoutMs: number;
  /** silence after which the socket counts as dead; default 2 × heartbeatMs */
  deadAfterMs?: number;
  now?: () => number;
}

type Pending = { resolve(frame: ServerFrame): void; reject(error: Error): void };

const KNOWN = new Set(ServerFrame.options.map((o) => o.shape.t.value as string));

export class Socket {
  welcomed = false;
  readonly #ws: WebSocket;
  readonly #requests = new Map<number, Pending>();
  readonly #now: () => number;
  #nextRid = 1;
  #ended = false;
  #lastHeard: number;
  #lastPing = 0;
  #timer: ReturnType<typeof setTimeout> | ReturnType<typeof setInterval> | undefined;

  constructor(
    url: string,
    Ctor: WebSocketLike,
    hello: ClientFrame,
    private readonly handlers: SocketHandlers,
    private readonly options: SocketOptions,
  ) {
    this.#now = options.now ?? Date.now;
    this.#lastHeard = this.#now();
    this.#ws = new Ctor(url);
    this.#ws.onopen = () => this.send(hello);
    this.#ws.onmessage = (event) => this.#receive(event.data);
    this.#ws.onclose = (event) => this.#end(event.code, event.reason);
    this.#ws.onerror = () => {}; // a close event follows
    this.#timer = setTimeout(() => this.close(LocalClose.TIMEOUT, "no welcome in time"), options.connectTimeoutMs);
  }

  /** Writes a frame; false when the socket is not open. */
  send(frame: ClientFrame): boolean {
    if (this.#ended || this.#ws.readyState !== 1 /* OPEN */) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  nextRid(): number {
    return this.#nextRid++;
  }

  /** Sends a frame with a fresh rid and resolves with the server's answer to it. */
  request(frame: Exclude<ClientFrame, { t: "hello" }>): Promise<ServerFrame> {
    const rid = this.nextRid();
    return new Promise((resolve, reject) => {
      if (!this.send({ ...frame, rid })) return reject(new ParleyError("closed", "not connected"));
      this.#requests.set(rid, { resolve, reject });
    });
  }

  /** After welcome: ping every heartbeatMs, and give up on a server silent for too long. */
  welcome(heartbeatMs: number): void {
    this.welcomed = true;
    clearTimeout(this.#timer);
    const deadAfter = this.options.deadAfterMs ?? 2 * heartbeatMs;
    const every = Math.max(25, Math.min(heartbeatMs, deadAfter) / 4);
    let lastTick = (this.#lastPing = this.#now());
    this.#timer = setInterval(() => {
      const now = this.#now();
      // Timers were throttled or the machine slept: we did not ping, so silence proves nothing yet.
      if (now - lastTick > 3 * every) {
        this.#lastHeard = Math.max(this.#lastHeard, now - deadAfter / 2);
        this.#lastPing = 0;
      }
      lastTick = now;
      if (now - this.#lastHeard > deadAfter) return this.close(LocalClose.TIMEOUT, "heartbeat timeout");
      if (now - this.#lastPing >= heartbeatMs) {
        this.#lastPing = now;
        this.send({ t: "ping" });
      }
    }, every);
  }

  /** Ends the socket from this side; `gone` reports `code`. */
  close(code: number, reason: string): void {
    if (this.#ended) return;
    try {
      // 1000 and 3000-4999 are the codes a client may send; a dead socket may never confirm.
      this.#ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
    } catch {
      // already closing
    }
    this.#end(code, reason);
  }

  #end(code: number, reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    clearInterval(this.#timer);
    this.#ws.onopen = this.#ws.onmessage = this.#ws.onclose = null;
    const error = new ParleyError("closed", `connection closed (${code}${reason ? ` ${reason}` : ""})`);
    for (const pending of this.#requests.values()) pending.reject(error);
    this.#requests.clear();
    this.handlers.gone(code, reason);
  }

  #receive(data: unknown): void {
    if (this.#ended) return;
    this.#lastHeard = this.#now();
    let raw: unknown;
    try {
      raw = JSON.parse(String(data));
    } catch (error) {
      return this.handlers.invalid(data, error);
    }
    const t = (raw as { t?: unknown } | null)?.t;
    if (typeof t !== "string" || !KNOWN.has(t)) return; // a frame kind added later: not ours to judge
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) return this.handlers.invalid(raw, parsed.error);
    const frame = parsed.data;
    const rid = "rid" in frame ? frame.rid : undefined;
    const pending = typeof rid === "number" ? this.#requests.get(rid) : undefined;
    if (pending && (frame.t === "msgs" || frame.t === "error")) {
      this.#requests.delete(rid as number);
      if (frame.t === "error") pending.reject(new ParleyError(frame.code, frame.message, undefined, frame.details));
      else pending.resolve(frame);
      return;
    }
    this.handlers.frame(frame, raw as Record<string, unknown>);
  }
}
