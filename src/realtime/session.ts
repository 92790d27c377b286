// One WebSocket connection speaking PROTOCOL.md "Realtime": hello/welcome, send/ack, sync,
// receipts, typing, ping; rate limits and heartbeat. Runtime-free: the adapter feeds it text
// frames and a Connection, the hub feeds it committed events.
import { AppError } from "../core/errors.ts";
import type { AccessClaims } from "../core/ports.ts";
import { ClientFrame, type ClientFrameOf } from "../schema/frames.ts";
import type { Message, MessageBody, MessagePage } from "../schema/messages.ts";
import { CloseCode, type Connection } from "./connection.ts";
import { OrderedDelivery } from "./ordered-delivery.ts";
import { TokenBucket } from "./rate-limit.ts";

/** What a session asks of the domain; on Bun these are the services, on Workers the objects. */
export interface RealtimeBackend {
  authenticate(token: string): Promise<AccessClaims | null>;
  send(userId: string, conv: string, input: { clientId: string; body: MessageBody }, sourceConnection: string): Promise<{ message: Message; created: boolean }>;
  history(userId: string, conv: string, range: { after: number; limit: number }): Promise<MessagePage>;
  markDelivered(userId: string, conv: string, seq: number, sourceConnection: string): Promise<unknown>;
  markRead(userId: string, conv: string, seq: number, sourceConnection: string): Promise<unknown>;
  typing(userId: string, conv: string, sourceConnection: string): Promise<void>;
  /**
   * The last seq of each of the user's conversations. Given by a backend whose live events can
   * arrive out of commit order (several nodes relaying to each other): hello then pins "live" to
   * exactly what commits after it, instead of to the first message that happens to arrive.
   */
  positions?(userId: string): Promise<Record<string, number>>;
}

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
  /** live messages held per conversation while catching up, before the reader is too slow */
  maxHeld: number;
  /** how long message delivery may wait for a congested socket to drain (default: heartbeatMs) */
  drainTimeoutMs?: number;
}

export const defaultLimits: SessionLimits = {
  heartbeatMs: 30_000,
  helloTimeoutMs: 10_000,
  framesPerSec: 1000,
  frameBurst: 2000,
  maxRejected: 100,
  typingPerSec: 1,
  maxHeld: 10_000,
};

export interface SessionHooks {
  /** after hello authenticated, before welcome: register for live delivery */
  onAuthenticated(session: Session): void;
  onClosed(session: Session): void;
}

type Outgoing = Record<string, unknown> & { t: string };

/** An authenticated session as a runtime persists it while its socket sleeps (kept small). */
export interface SessionSnapshot {
  user: AccessClaims;
  device: string;
  openedAt: number;
  lastHeard: number;
  /** conv → last seq this connection holds */
  positions: Record<string, number>;
}

export class Session {
  user: AccessClaims | null = null;
  device = "";
  openedAt: number;
  lastHeard: number;
  readonly delivery: OrderedDelivery;
  #authenticating: Promise<boolean> | null = null;
  #closed = false;
  #rejectedInARow = 0;
  readonly #bucket: TokenBucket;
  readonly #typingAt = new Map<string, number>();
  /** `conv\nclientId` of sends in flight on this connection → how many */
  readonly #sending = new Map<string, number>();
  /** deliveries waiting for the congested socket to drain, and since when */
  #drainWaiters: (() => void)[] = [];
  #congestedSince: number | null = null;

  constructor(
    readonly connection: Connection,
    private readonly backend: RealtimeBackend,
    private readonly hooks: SessionHooks,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.openedAt = this.lastHeard = now();
    this.#bucket = new TokenBucket(limits.framesPerSec, limits.frameBurst, this.openedAt);
    this.delivery = new OrderedDelivery({
      fetch: (conv, after, limit) => this.backend.history(this.user!.userId, conv, { after, limit }),
      send: (text) => this.connection.send(text),
      isOwn: (m) => m.sender === this.user?.userId && this.#sending.has(`${m.conv}\n${m.clientId}`),
      fail: (reason, error, conv) => {
        if (reason === "too_slow") return this.close(CloseCode.TOO_SLOW, "too slow to keep up");
        // A cursor for a conversation the user cannot read is answered, not fatal.
        if (error instanceof AppError && error.status < 500) return this.#reply({ t: "error", code: error.code, message: error.message, conv });
        this.close(1011, "catch-up failed");
      },
      maxHeld: limits.maxHeld,
      backpressure: connection.congested && {
        congested: () => this.connection.congested!(),
        drained: () => {
          this.#congestedSince ??= this.now();
          return new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
        },
      },
    });
  }

  get id(): string {
    return this.connection.id;
  }

  /**
   * Closes sockets that never said hello, whose queue did not drain within drainTimeoutMs
   * (TOO_SLOW), or that went silent past 2 × heartbeat.
   */
  tick(now: number): void {
    // In case a runtime reports no drain event: the queue went down all the same.
    if (this.#drainWaiters.length > 0 && !this.connection.congested?.()) this.drained();
    if (!this.user && !this.#authenticating && now - this.openedAt > this.limits.helloTimeoutMs) {
      this.close(CloseCode.UNAUTHORIZED, "no hello");
    } else if (this.#congestedSince !== null && now - this.#congestedSince > (this.limits.drainTimeoutMs ?? this.limits.heartbeatMs)) {
      this.close(CloseCode.TOO_SLOW, "too slow to keep up");
    } else if (now - this.lastHeard > 2 * this.limits.heartbeatMs) {
      this.close(CloseCode.IDLE, "idle timeout");
    }
  }

  /**
   * When tick() may next have something to do (a runtime that schedules wake-ups, not sweeps).
   * Congestion is not counted: runtimes without backpressure have none.
   */
  nextTickAt(): number {
    if (!this.user) return this.openedAt + this.limits.helloTimeoutMs + 1;
    return this.lastHeard + 2 * this.limits.heartbeatMs + 1;
  }

  /** The client was heard at `at` by someone else (a runtime's automatic ping answer). */
  heard(at: number): void {
    this.lastHeard = Math.max(this.lastHeard, at);
  }

  /** null until hello was accepted: only authenticated sessions outlive a sleep of their socket. */
  snapshot(): SessionSnapshot | null {
    if (!this.user || this.#closed) return null;
    return { user: this.user, device: this.device, openedAt: this.openedAt, lastHeard: this.lastHeard, positions: this.delivery.positions() };
  }

  /** A fresh session takes the place of one that was snapshotted: authenticated, streams where they were. */
  restore(snapshot: SessionSnapshot): void {
    this.user = snapshot.user;
    this.device = snapshot.device;
    this.openedAt = snapshot.openedAt;
    this.lastHeard = snapshot.lastHeard;
    this.#authenticating = Promise.resolve(true);
    this.delivery.restore(snapshot.positions);
  }

  /** The socket's queue went down (the adapter's drain event): delivery waiting on it goes on. */
  drained(): void {
    this.#congestedSince = null;
    for (const resume of this.#drainWaiters.splice(0)) resume();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drainWaiters = [];
    this.connection.close(code, reason);
    this.hooks.onClosed(this);
  }

  /** The socket closed from the other side. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drainWaiters = [];
    this.hooks.onClosed(this);
  }

  /** A frame that is not text (the protocol only has text frames). */
  binary(): void {
    this.close(CloseCode.PROTOCOL, "binary frames are not part of the protocol");
  }

  async text(raw: string): Promise<void> {
    if (this.#closed) return;
    const now = this.now();
    this.lastHeard = now;
    if (!this.#bucket.take(now)) {
      this.#reply({ t: "error", code: "rate_limited", message: "too many frames" }, ridOf(raw));
      if (++this.#rejectedInARow >= this.limits.maxRejected) this.close(CloseCode.RATE_LIMITED, "rate limited");
      return;
    }
    this.#rejectedInARow = 0;

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.#reply({ t: "error", code: "invalid_request", message: "frame is not valid JSON" });
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "t", message: i.message }));
      return this.#reply({ t: "error", code: "invalid_request", message: "invalid frame", details }, ridOf(json));
    }
    const frame = parsed.data;
    if (frame.t === "hello") return this.#hello(frame);
    // Nothing, not even ping, before hello: an unauthenticated socket gets no service.
    if (!this.#authenticating) return this.close(CloseCode.PROTOCOL, "the first frame must be hello");
    // Frames pipelined behind hello (ping included) are answered after welcome, or not at all.
    if (!(await this.#authenticating)) return;
    if (frame.t === "ping") return this.#reply({ t: "pong" }, frame.rid);
    try {
      await this.#dispatch(frame);
    } catch (err) {
      const error = err instanceof AppError ? err : new AppError("internal", "internal error");
      const extra = error.details === undefined ? {} : { details: error.details };
      this.#reply({ t: "error", code: error.code, message: error.message, ...extra }, frame.rid);
    }
  }

  /** A committed message for this user's conversations; `text` null when this connection sent it. */
  deliver(message: Message, text: string | null): void {
    if (!this.#closed) this.delivery.push(message, text);
  }

  /** Any other server frame (receipt, typing, presence), already serialised. */
  notify(text: string): void {
    if (!this.#closed && !this.connection.send(text)) this.close(CloseCode.TOO_SLOW, "too slow to keep up");
  }

  async #hello(frame: ClientFrameOf<"hello">): Promise<void> {
    if (this.#authenticating) return this.close(CloseCode.PROTOCOL, "hello was already sent");
    // A backend that fails (store down) ends this socket like a server error: the client retries.
    this.#authenticating = this.#accept(frame).catch(() => {
      this.close(1011, "internal error");
      return false;
    });
    await this.#authenticating;
  }

  async #accept(frame: ClientFrameOf<"hello">): Promise<boolean> {
    const claims = await this.backend.authenticate(frame.token);
    if (!claims) {
      this.close(CloseCode.UNAUTHORIZED, "invalid token");
      return false;
    }
    // Out-of-order live events: a stream without a cursor starts where its conversation stood
    // before welcome (one with a cursor resumes after the cursor, whatever stood since).
    const cursors = frame.cursors ?? {};
    const before = this.backend.positions && withoutKeys(await this.backend.positions(claims.userId), cursors);
    if (this.#closed) return false;
    this.user = claims;
    this.device = frame.device ?? `anonymous-${this.id}`;
    if (before) this.delivery.restore(before);
    this.hooks.onAuthenticated(this);
    // Resume streams exist before welcome, so live messages from now on wait behind the catch-up.
    this.#reply({ t: "welcome", user: claims.userId, heartbeatMs: this.limits.heartbeatMs }, frame.rid);
    for (const [conv, cursor] of Object.entries(cursors)) this.delivery.resume(conv, cursor);
    if (before) {
      // What committed between the first look and registering with the hub, no event may bring.
      const after = withoutKeys(await this.backend.positions!(claims.userId), cursors);
      for (const [conv, seq] of Object.entries(after)) {
        if (seq > (before[conv] ?? 0)) this.delivery.resume(conv, before[conv] ?? 0);
      }
    }
    return true;
  }

  async #dispatch(frame: Exclude<ClientFrame, { t: "hello" | "ping" }>): Promise<void> {
    const userId = this.user!.userId;
    switch (frame.t) {
      case "send": {
        // While in flight, a gap fill that finds this message in the store must not echo it.
        const key = `${frame.conv}\n${frame.clientId}`;
        this.#sending.set(key, (this.#sending.get(key) ?? 0) + 1);
        try {
          const { message } = await this.backend.send(userId, frame.conv, { clientId: frame.clientId, body: frame.body }, this.id);
          const { conv, clientId, seq, id, ts } = message;
          return this.#reply({ t: "ack", conv, clientId, seq, id, ts }, frame.rid);
        } finally {
          const left = (this.#sending.get(key) ?? 1) - 1;
          if (left > 0) this.#sending.set(key, left);
          else this.#sending.delete(key);
        }
      }
      case "sync": {
        const page = await this.backend.history(userId, frame.conv, { after: frame.after, limit: frame.limit ?? 50 });
        return this.#reply({ t: "msgs", conv: frame.conv, items: page.items, hasMore: page.hasMore }, frame.rid);
      }
      case "recv":
        await this.backend.markDelivered(userId, frame.conv, frame.seq, this.id);
        return;
      case "read":
        await this.backend.markRead(userId, frame.conv, frame.seq, this.id);
        return;
      case "typing": {
        const now = this.now();
        if (now - (this.#typingAt.get(frame.conv) ?? 0) < 1000 / this.limits.typingPerSec) return;
        this.#typingAt.set(frame.conv, now);
        return this.backend.typing(userId, frame.conv, this.id);
      }
    }
  }

  #reply(frame: Outgoing, rid?: string | number): void {
    this.notify(JSON.stringify(rid === undefined ? frame : { ...frame, rid }));
  }
}

function withoutKeys(positions: Record<string, number>, omit: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(positions).filter(([conv]) => !(conv in omit)));
}

/** The rid of a frame we could not validate, so even its error can be matched to it. */
function ridOf(value: unknown): string | number | undefined {
  if (typeof value === "string") {
    try {
      return ridOf(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  const rid = (value as { rid?: unknown } | null)?.rid;
  return typeof rid === "string" || typeof rid === "number" ? rid : undefined;
}
