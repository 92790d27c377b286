// One WebSocket connection speaking the realtime protocol (docs/protocol.md): hello/welcome,
// send/ack, sync, receipts, typing, ping; rate limits and bounds. Runtime-free: the adapter feeds
// it text frames and a Connection, the hub feeds it committed events.
//
// Bounds, whatever the client sends: frames per second (token bucket); requests answered at once
// and bytes of requests waiting (RequestQueue); one history page at a time, bounded in bytes;
// cursors per hello (schema); and every frame queued for the socket counts against the adapter's
// limit, past which the socket is closed 4008 rather than allowed to grow.
import { AppError } from "../core/errors.ts";
import { noMetrics, secondsSince, type Metrics } from "../core/metrics.ts";
import { nextTurn } from "../core/next-turn.ts";
import { allows, requireScope } from "../core/scopes.ts";
import type { AccessClaims } from "../core/ports.ts";
import { CloseCode } from "../schema/close-codes.ts";
import { ClientFrame, type ClientFrameOf, type Rid } from "../schema/frames.ts";
import { MAX_PAGE_BYTES, type Message } from "../schema/messages.ts";
import type { RealtimeBackend } from "./backend.ts";
import type { Connection } from "./connection.ts";
import { ackFrame, encodeFrame, errorFrame } from "./frames.ts";
import { Liveness } from "./liveness.ts";
import { OrderedDelivery } from "./ordered-delivery.ts";
import { PendingAcks } from "./pending-acks.ts";
import { TokenBucket } from "./rate-limit.ts";
import type { SessionLimits } from "./limits.ts";
import { RequestQueue } from "./request-queue.ts";
import { LONE_SURROGATE_MESSAGE, mayHoldLoneSurrogate, wellFormedJson } from "../schema/text.ts";

export interface SessionHooks {
  /** after hello authenticated, before welcome: register for live delivery */
  onAuthenticated(session: Session): void;
  onClosed(session: Session): void;
}

/** An authenticated session as a runtime persists it while its socket sleeps (kept small). */
export interface SessionSnapshot {
  user: AccessClaims;
  device: string;
  openedAt: number;
  lastHeard: number;
  /** conv → last seq this connection holds */
  positions: Record<string, number>;
}

type Request = Exclude<ClientFrame, { t: "hello" | "ping" }>;

export class Session {
  user: AccessClaims | null = null;
  device = "";
  readonly delivery: OrderedDelivery;
  readonly #liveness: Liveness;
  #authenticating: Promise<boolean> | null = null;
  #closed = false;
  /** the node is shutting down: frames are no longer read */
  #quiescing = false;
  #rejectedInARow = 0;
  readonly #bucket: TokenBucket;
  readonly #requests: RequestQueue;
  readonly #acks = new PendingAcks(() => this.user?.userId);
  /** conv → when typing was last passed on (made at the first typing frame: most sockets never send one) */
  #typingAt: Map<string, number> | undefined;
  /** deliveries waiting for the congested socket to drain */
  #drainWaiters: (() => void)[] = [];

  constructor(
    readonly connection: Connection,
    private readonly backend: RealtimeBackend,
    private readonly hooks: SessionHooks,
    private readonly limits: SessionLimits,
    private readonly now: () => number = Date.now,
    private readonly metrics: Metrics = noMetrics,
  ) {
    const at = now();
    this.#liveness = new Liveness(limits, at);
    this.#bucket = new TokenBucket(limits.framesPerSec, limits.frameBurst, at);
    this.#requests = new RequestQueue(limits);
    this.delivery = new OrderedDelivery({
      fetch: (conv, after, limit) => this.backend.history(this.user!.userId, conv, { after, limit, maxBytes: this.#pageBytes }),
      send: (text) => this.connection.send(text),
      isOwn: (m) => this.#acks.has(m),
      ackFrame: (m) => {
        const pending = this.#acks.take(m);
        return pending ? ackFrame(m, pending.rid) : null;
      },
      fail: (reason, error, conv) => {
        if (reason === "too_slow") return this.close(CloseCode.TOO_SLOW, "too slow to keep up");
        this.#acks.handBack(conv!);
        // A conversation that became unreadable is answered, not fatal.
        if (error instanceof AppError && error.status < 500) return this.#replyError(error, undefined, conv);
        this.close(CloseCode.INTERNAL, "catch-up failed");
      },
      maxHeldBytes: limits.maxQueuedBytes / 4,
      backpressure: connection.congested && {
        congested: () => this.connection.congested!(),
        drained: () => {
          this.#liveness.backedUp(this.now());
          return new Promise<void>((resolve) => this.#drainWaiters.push(resolve));
        },
      },
    });
  }

  get id(): string {
    return this.connection.id;
  }
  get openedAt(): number {
    return this.#liveness.openedAt;
  }
  set openedAt(at: number) {
    this.#liveness.openedAt = at;
  }
  get lastHeard(): number {
    return this.#liveness.lastHeard;
  }

  /** A page of history fits the socket's queue several times over. */
  get #pageBytes(): number {
    return Math.min(MAX_PAGE_BYTES, Math.floor(this.limits.maxQueuedBytes / 4));
  }

  /** Closes the socket when it never said hello, went silent, or stays backed up (see Liveness). */
  tick(now: number): void {
    // In case a runtime reports no drain event: the queue went down all the same.
    if (this.#drainWaiters.length > 0 && !this.connection.congested?.()) this.drained();
    const verdict = this.#liveness.due(now, {
      authenticated: this.user !== null,
      helloPending: this.#authenticating !== null,
      queuedBytes: this.connection.queuedBytes?.(),
    });
    if (verdict) this.close(verdict.code, verdict.reason);
  }

  /** When tick() may next have something to do (a runtime that schedules wake-ups, not sweeps). */
  nextTickAt(): number {
    return this.#liveness.nextDueAt(this.user !== null);
  }

  /** The client was heard at `at` by someone else (a protocol ping, a runtime's automatic answer). */
  heard(at: number): void {
    this.#liveness.heard(at);
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
    this.#liveness.openedAt = snapshot.openedAt;
    this.#liveness.heard(snapshot.lastHeard);
    this.#authenticating = Promise.resolve(true);
    this.delivery.restore(snapshot.positions);
  }

  /** The socket's queue went down (the adapter's drain event): delivery waiting on it goes on. */
  drained(): void {
    this.#liveness.drained();
    for (const resume of this.#drainWaiters.splice(0)) resume();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.metrics.inc("parley_ws_closes_total", { code: closeCodeLabel(code), side: "server" });
    this.#end();
    this.connection.close(code, reason);
    this.hooks.onClosed(this);
  }

  /** The socket closed from the other side (with `code`, when the runtime tells it). */
  closed(code?: number): void {
    if (this.#closed) return;
    this.metrics.inc("parley_ws_closes_total", { code: closeCodeLabel(code ?? 1005), side: "client" });
    this.#end();
    this.hooks.onClosed(this);
  }

  /** A frame that is not text (the protocol only has text frames). */
  binary(): void {
    this.close(CloseCode.PROTOCOL, "binary frames are not part of the protocol");
  }

  /**
   * The node is shutting down: no frame read from now on starts anything (a send not read is not
   * committed: the client sends it again elsewhere); resolves once the requests already running
   * have answered, a send once its ack left.
   */
  quiesce(): Promise<void> {
    this.#quiescing = true;
    this.#requests.close();
    return this.#requests.idle();
  }

  async text(raw: string): Promise<void> {
    if (this.#closed || this.#quiescing) return;
    const now = this.now();
    this.#liveness.heard(now);
    if (!this.#bucket.take(now)) return this.#refuse(ridOf(raw), "too many frames");

    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return this.#replyError({ code: "invalid_request", message: "frame is not valid JSON" });
    }
    if (mayHoldLoneSurrogate(raw) && !wellFormedJson(json)) return this.#replyError({ code: "invalid_request", message: LONE_SURROGATE_MESSAGE }, ridOf(json));
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const details = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "t", message: i.message }));
      return this.#replyError({ code: "invalid_request", message: "invalid frame", details }, ridOf(json));
    }
    const frame = parsed.data;
    if (frame.t === "hello") return this.#hello(frame);
    // Nothing, not even ping, before hello: an unauthenticated socket gets no service.
    if (!this.#authenticating) return this.close(CloseCode.PROTOCOL, "the first frame must be hello");
    if (frame.t === "ping") {
      this.#rejectedInARow = 0;
      // Frames pipelined behind hello (ping included) are answered after welcome, or not at all.
      if (await this.#authenticating) this.#reply(encodeFrame({ t: "pong", rid: frame.rid }));
      return;
    }
    const accepted = this.#requests.submit({
      bytes: raw.length,
      exclusive: frame.t === "sync",
      run: () => this.#run(frame),
    });
    if (accepted) this.#rejectedInARow = 0;
    else this.#refuse(frame.rid, "too many requests in flight");
  }

  /** A committed entry of this user's conversations; `text` null when this connection sent it. */
  deliver(message: Message, text: string | null): void {
    if (this.#closed) return;
    if (text === null) this.#acks.delivered(message);
    this.delivery.push(message, text);
    // Its own removal is the last entry of that conversation this user reads.
    if (message.body.type === "member_removed" && message.body.user === this.user?.userId) this.delivery.end(message.conv, message.seq);
  }

  /** This user was added to `conv`: the conversation first, then its log from `from`. */
  join(conv: string, text: string, from: number): void {
    if (this.#closed) return;
    this.#reply(text);
    this.delivery.resume(conv, from - 1);
  }

  /** Any other server frame (receipt, typing, presence), already serialised. */
  notify(text: string): void {
    if (!this.#closed) this.#reply(text);
  }

  #end(): void {
    this.#closed = true;
    this.#drainWaiters = [];
    this.#requests.close();
  }

  /** A frame refused by a limit: `rate_limited`, and 4009 when the client keeps at it. */
  #refuse(rid: Rid, message: string): void {
    this.#replyError({ code: "rate_limited", message }, rid);
    if (++this.#rejectedInARow >= this.limits.maxRejected) this.close(CloseCode.RATE_LIMITED, "rate limited");
  }

  async #hello(frame: ClientFrameOf<"hello">): Promise<void> {
    if (this.#authenticating) return this.close(CloseCode.PROTOCOL, "hello was already sent");
    // A backend that fails (store down) ends this socket like a server error: the client retries.
    this.#authenticating = this.#accept(frame).catch(() => {
      this.close(CloseCode.INTERNAL, "internal error");
      return false;
    });
    await this.#authenticating;
  }

  async #accept(frame: ClientFrameOf<"hello">): Promise<boolean> {
    const claims = await this.backend.authenticate(frame.token);
    if (!claims || !allows(claims, "ws:hello")) {
      this.close(CloseCode.UNAUTHORIZED, "invalid token");
      return false;
    }
    // Every cursor is checked in one go, before registering: a resume must start in the same
    // step as registration, or a live message could overtake its backlog.
    const cursors = frame.cursors ?? {};
    const asked = Object.keys(cursors);
    const readable = new Set(asked.length > 0 ? await this.backend.readable(claims.userId, asked) : []);
    // Out-of-order live events: a stream without a cursor starts where its conversation stood
    // before welcome (one with a cursor resumes after the cursor, whatever stood since).
    const before = this.backend.positions && withoutKeys(await this.backend.positions(claims.userId), cursors);
    if (this.#closed) return false;
    this.user = claims;
    this.device = frame.device ?? `anonymous-${this.id}`;
    if (before) this.delivery.restore(before);
    this.hooks.onAuthenticated(this);
    // Resume streams exist before welcome, so live messages from now on wait behind the catch-up.
    this.#reply(encodeFrame({ t: "welcome", rid: frame.rid, user: claims.userId, heartbeatMs: this.limits.heartbeatMs }));
    const unknown = asked.filter((conv) => !readable.has(conv));
    if (unknown.length > 0) {
      const message = `${unknown.length} of the cursors name conversations that do not exist or are not yours`;
      this.#replyError({ code: "not_found", message, details: { conversations: unknown } });
    }
    for (const [conv, cursor] of Object.entries(cursors)) if (readable.has(conv)) this.delivery.resume(conv, cursor);
    if (before) {
      // What committed between the first look and registering with the hub, no event may bring.
      const after = withoutKeys(await this.backend.positions!(claims.userId), cursors);
      for (const [conv, seq] of Object.entries(after)) {
        if (seq > (before[conv] ?? 0)) this.delivery.resume(conv, before[conv] ?? 0);
      }
    }
    return true;
  }

  async #run(frame: Request): Promise<void> {
    if (!(await this.#authenticating) || this.#closed) return;
    try {
      await this.#dispatch(frame);
    } catch (err) {
      this.#replyError(err instanceof AppError ? err : new AppError("internal", "internal error"), frame.rid);
    }
  }

  async #dispatch(frame: Request): Promise<void> {
    const userId = this.user!.userId;
    requireScope(this.user!, `ws:${frame.t}`); // a bot token's scopes
    switch (frame.t) {
      case "send":
        return this.#send(userId, frame);
      case "sync": {
        await nextTurn(); // one page per turn: other sockets get theirs in between
        const page = await this.backend.history(userId, frame.conv, { after: frame.after, limit: frame.limit ?? 50, maxBytes: this.#pageBytes });
        return this.#reply(encodeFrame({ t: "msgs", rid: frame.rid, conv: frame.conv, items: page.items, hasMore: page.hasMore }));
      }
      case "recv":
        await this.backend.markDelivered(userId, frame.conv, frame.seq, this.id);
        return;
      case "read":
        await this.backend.markRead(userId, frame.conv, frame.seq, this.id);
        return;
      case "typing": {
        const now = this.now();
        const typingAt = (this.#typingAt ??= new Map());
        if (now - (typingAt.get(frame.conv) ?? 0) < 1000 / this.limits.typingPerSec) return;
        typingAt.set(frame.conv, now);
        return this.backend.typing(userId, frame.conv, this.id);
      }
      default:
        frame satisfies never;
    }
  }

  /**
   * A send stays in flight until its ack has left. The ack of a new message leaves through the
   * conversation's stream, in seq order among the others' messages; a resend's ack (the
   * original seq), or one whose delivery never reached this connection, leaves from here.
   */
  async #send(userId: string, frame: ClientFrameOf<"send">): Promise<void> {
    const started = performance.now();
    const pending = this.#acks.expect(frame.conv, frame.clientId, frame.rid);
    try {
      const { message, created } = await this.backend.send(userId, frame.conv, { clientId: frame.clientId, body: frame.body }, this.id);
      if (created && pending.delivered) await pending.answered;
      if (this.#closed) return;
      if (!pending.sent) {
        this.#acks.forget(pending, frame.clientId);
        if (created) this.delivery.acked(message);
        this.#reply(ackFrame(message, frame.rid));
      }
      this.metrics.observe("parley_ack_seconds", secondsSince(started));
    } catch (err) {
      this.#acks.forget(pending, frame.clientId);
      throw err;
    }
  }

  #replyError(error: Parameters<typeof errorFrame>[0], rid?: Rid, conv?: string): void {
    this.metrics.inc("parley_errors_total", { code: error.code, transport: "ws" });
    this.#reply(errorFrame(error, rid, conv));
  }

  /** Queues a frame; one that does not fit the socket's limit ends it (never skipped). */
  #reply(text: string): void {
    if (!this.#closed && !this.connection.send(text)) this.close(CloseCode.TOO_SLOW, "too slow to keep up");
  }
}

const KNOWN_CLOSE_CODES = new Set<number>([...Object.values(CloseCode), 1000, 1001, 1005, 1006]);
/** A close code as a metrics label: a client may close with any code, the label has few values. */
const closeCodeLabel = (code: number): string => (KNOWN_CLOSE_CODES.has(code) ? String(code) : "other");

function withoutKeys(positions: Record<string, number>, omit: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(positions).filter(([conv]) => !(conv in omit)));
}

/** The rid of a frame we could not validate, so even its error can be matched to it. */
function ridOf(value: unknown): Rid {
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
