// ParleyClient: the HTTP routes plus one realtime connection that survives reconnects.
//   - hello carries the device and every tracked cursor, so the server resumes before live;
//   - reconnects with exponential backoff and jitter; 1012 (server restart) at once; 4001 asks the
//     token hook once more, 4010 stops;
//   - every conversation's messages reach the app exactly once and in order (see ordering.ts);
//   - send() resolves with the ack; unacked sends stay in the outbox and go again, with the same
//     clientId, after every reconnect (the server dedupes), until acked or definitively refused.
import type { AuthResponse } from "../schema/accounts.ts";
import { CloseCode } from "../schema/close-codes.ts";
import { newClientId } from "./client-ids.ts";
import { SendFrame, type ServerFrame, type ServerFrameOf } from "../schema/frames.ts";
import type { EntryBody, SendBody } from "../schema/entries.ts";
import type { Message } from "../schema/messages.ts";
import { TokenKeeper, type TokenProvider, type TokenReason, type Tokens } from "./auth.ts";
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import { Emitter } from "./emitter.ts";
import { isDefinitive, ParleyError } from "./errors.ts";
import { ParleyHttp, type FetchLike, type LoginInput, type RegisterInput } from "./http.ts";
import { Ordering, type StartFrom } from "./ordering.ts";
import { Socket, type WebSocketLike } from "./socket.ts";
import { MemoryStorage, type ClientStorage, type PendingSend } from "./storage.ts";

export interface ParleyClientOptions {
  /** the server's origin, e.g. https://chat.example.com */
  baseUrl: string;
  /** default: baseUrl with ws(s):// and /v1/ws */
  wsUrl?: string;
  /** this device's stable name (same device connecting again replaces the old socket); default: random per client */
  device?: string;
  /** tokens of an existing login (or use login()/register()) */
  tokens?: Tokens;
  /** the token hook: a fresh access token before each (re)connect and after a refusal */
  getToken?: TokenProvider;
  /** told of every new token pair (login, register, refresh), to persist it */
  onTokens?: (tokens: AuthResponse) => void;
  /** cursors and outbox; default in memory */
  storage?: ClientStorage;
  /** where a conversation without a cursor starts (default "beginning": all of it) */
  startFrom?: StartFrom;
  /** reconnect delays, or false for no reconnecting */
  reconnect?: BackoffOptions | false;
  /** how long a socket may take to be welcomed (default 10 s) */
  connectTimeoutMs?: number;
  /** server silence after which the socket counts as dead (default 2 × heartbeatMs) */
  deadAfterMs?: number;
  /** send `recv` (delivered) for every message emitted (default false) */
  autoMarkDelivered?: boolean;
  /** sends whose frame is larger are refused locally with payload_too_large (default 64 KiB) */
  maxFrameBytes?: number;
  WebSocket?: WebSocketLike;
  fetch?: FetchLike;
}

export type SendResult = Omit<ServerFrameOf<"ack">, "t" | "rid">;
export type ConnectionState = "idle" | "connecting" | "open" | "waiting" | "stopped";

export interface ParleyEvents {
  /** the next message of a conversation: each exactly once, in seq order (own sends included) */
  msg: Message;
  /** an outbox entry was acknowledged (also for entries restored from storage) */
  ack: SendResult;
  receipt: Omit<ServerFrameOf<"receipt">, "t">;
  typing: Omit<ServerFrameOf<"typing">, "t">;
  presence: Omit<ServerFrameOf<"presence">, "t">;
  /** this user was added to a conversation; its entries follow as `msg` */
  conversation: ServerFrameOf<"conversation">["conversation"];
  /** a friend request, friendship or block changed (to both users' devices; blocks to the blocker's only) */
  contact: Omit<ServerFrameOf<"contact">, "t">;
  /** this user's own settings or counters of a conversation changed (another device, a read); offline: read the list again */
  settings: Omit<ServerFrameOf<"settings">, "t">;
  connected: { user: string; heartbeatMs: number; reconnected: boolean };
  disconnected: { code: number; reason: string; willReconnect: boolean; wasConnected: boolean };
  /** unauthorized/kicked stops, refused sends of restored entries, server errors without a request */
  error: ParleyError;
  state: ConnectionState;
}

interface Outgoing {
  entry: PendingSend;
  resolve?(ack: SendResult): void;
  reject?(error: ParleyError): void;
  promise?: Promise<SendResult>;
  /** the rid and socket of its latest transmission */
  rid?: number;
  socket?: Socket;
  retries: number;
}

export class ParleyClient extends Emitter<ParleyEvents> {
  readonly api: ParleyHttp;
  readonly device: string;
  readonly #options: ParleyClientOptions;
  readonly #tokens: TokenKeeper;
  readonly #storage: ClientStorage;
  readonly #ordering: Ordering;
  readonly #outbox = new Map<string, Outgoing>();
  readonly #marks = { read: new Map<string, number>(), recv: new Map<string, number>() };
  readonly #WebSocket: WebSocketLike;
  #ready: Promise<void> | null = null;
  #state: ConnectionState = "idle";
  #socket: Socket | null = null;
  #user: string | null = null;
  #attempt = 0;
  #authRefusals = 0;
  #everConnected = false;
  /** bumped by every (re)connect attempt and stop: an attempt that is not the latest gives up */
  #generation = 0;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #marksTimer: ReturnType<typeof setTimeout> | undefined;
  #waiters: { resolve(): void; reject(error: ParleyError): void }[] = [];

  constructor(options: ParleyClientOptions) {
    super();
    this.#options = options;
    this.device = options.device ?? `sdk-${crypto.randomUUID()}`;
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#storage = options.storage ?? new MemoryStorage();
    const http = new ParleyHttp(options.baseUrl, { fetch: options.fetch });
    this.#tokens = new TokenKeeper((rt) => http.refresh(rt), options.onTokens, options.getToken);
    this.#tokens.set(options.tokens ?? null);
    this.api = new ParleyHttp(options.baseUrl, {
      fetch: options.fetch,
      auth: { token: () => this.#tokens.token("request"), renew: () => this.#tokens.renew() },
    });
    this.#ordering = new Ordering({
      startFrom: options.startFrom ?? "beginning",
      sync: async (conv, after, limit) => {
        if (!this.#socket?.welcomed) throw new ParleyError("closed", "not connected");
        const answer = (await this.#socket.request({ t: "sync", conv, after, limit })) as ServerFrameOf<"msgs">;
        return { items: answer.items, hasMore: answer.hasMore };
      },
      emit: (message) => {
        this.emit("msg", message);
        if (this.#options.autoMarkDelivered && message.sender !== this.#user) this.markDelivered(message.conv, message.seq);
      },
      saveCursor: (conv, seq) => this.#persist(() => this.#storage.saveCursor(conv, seq)),
      syncFailed: () => {}, // the socket dropped: the next hello's cursors resume the gap
    });
  }

  get state(): ConnectionState {
    return this.#state;
  }
  /** the user id, once welcomed */
  get user(): string | null {
    return this.#user;
  }
  get tokens(): Tokens | null {
    return this.#tokens.current;
  }

  // ---- accounts -------------------------------------------------------------------------

  async register(input: RegisterInput): Promise<AuthResponse> {
    return this.#adopt(await this.api.register(input));
  }
  async login(input: LoginInput): Promise<AuthResponse> {
    return this.#adopt(await this.api.login(input));
  }
  /** Revokes this login on the server and closes the connection. */
  async logout(): Promise<void> {
    this.close();
    await this.api.logout();
    this.#tokens.set(null);
  }
  #adopt(auth: AuthResponse): AuthResponse {
    this.#tokens.set(auth);
    this.#options.onTokens?.(auth);
    return auth;
  }

  // ---- cursors --------------------------------------------------------------------------

  /** The highest seq of `conv` the app holds with nothing missing below, if tracked. */
  cursor(conv: string): number | undefined {
    return this.#ordering.cursor(conv);
  }
  /** Follows `conv` from after `seq` (0: all of it; its lastSeq: from now on). Never moves a cursor back. */
  track(conv: string, seq = 0): void {
    this.#ordering.track(conv, seq);
    const cursor = this.#ordering.cursor(conv)!;
    this.#persist(() => this.#storage.saveCursor(conv, cursor));
  }

  // ---- connection -----------------------------------------------------------------------

  /** Opens the realtime connection; resolves once welcomed (retrying meanwhile), rejects if it stops. */
  connect(): Promise<void> {
    if (this.#state === "open") return Promise.resolve();
    const welcomed = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#state === "idle" || this.#state === "stopped") {
      this.#authRefusals = 0;
      this.#attempt = 0;
      void this.#open(this.#everConnected ? "reconnect" : "connect");
    }
    return welcomed;
  }

  /** Closes the connection and stops reconnecting. Unacked sends stay in the outbox for a later connect(). */
  close(): void {
    if (this.#state === "stopped" || this.#state === "idle") return this.#setState("stopped");
    this.#stop(new ParleyError("closed", "closed by the client"), 1000, "client closed", false);
  }

  async #open(reason: TokenReason): Promise<void> {
    const generation = ++this.#generation;
    this.#setState("connecting");
    let token: string | null;
    try {
      await (this.#ready ??= this.#load().catch((error) => {
        this.#ready = null;
        throw error;
      }));
      token = await this.#tokens.token(reason);
    } catch (error) {
      if (generation !== this.#generation) return;
      this.emit("error", asParleyError(error, "network"));
      return this.#retry();
    }
    if (generation !== this.#generation) return; // closed, or connecting again, meanwhile
    if (!token) return this.#stop(new ParleyError("unauthorized", "no access token"), CloseCode.UNAUTHORIZED, "no token", true);
    const url = this.#options.wsUrl ?? `${this.#options.baseUrl.replace(/\/+$/, "").replace(/^http/, "ws")}/v1/ws`;
    const hello = { t: "hello", token, device: this.device, cursors: this.#ordering.cursors() } as const;
    const socket: Socket = new Socket(
      url,
      this.#WebSocket,
      hello,
      {
        frame: (frame) => this.#frame(socket, frame),
        invalid: (_raw, error) => this.emit("error", new ParleyError("invalid_frame", `invalid frame from the server: ${error}`)),
        gone: (code, why) => this.#gone(socket, code, why),
      },
      { connectTimeoutMs: this.#options.connectTimeoutMs ?? 10_000, deadAfterMs: this.#options.deadAfterMs },
    );
    this.#socket = socket;
  }

  #gone(socket: Socket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    const wasConnected = socket.welcomed;
    if (this.#state === "stopped") return;
    if (code === CloseCode.KICKED) {
      return this.#stop(new ParleyError("kicked", reason || "kicked"), code, reason, wasConnected);
    }
    if (code === CloseCode.UNAUTHORIZED) {
      // Ask the token hook (or refresh) once; refused again without a welcome in between: stop.
      if (this.#authRefusals++ > 0 || this.#options.reconnect === false) {
        return this.#stop(new ParleyError("unauthorized", reason || "unauthorized"), code, reason, wasConnected);
      }
      this.emit("disconnected", { code, reason, willReconnect: true, wasConnected });
      return void this.#open("unauthorized");
    }
    if (this.#options.reconnect === false) {
      return this.#stop(new ParleyError("closed", `connection closed (${code})`), code, reason, wasConnected);
    }
    this.emit("disconnected", { code, reason, willReconnect: true, wasConnected });
    if (code === CloseCode.SERVICE_RESTART) {
      // The server is restarting on purpose and closed cleanly: reconnect now, not after a
      // backoff (if it is not back yet, backoff starts over from its shortest delay).
      this.#attempt = 0;
      return void this.#open("reconnect");
    }
    this.#retry();
  }

  #retry(): void {
    const delay = this.#options.reconnect === false ? 0 : backoffDelay(this.#attempt++, this.#options.reconnect);
    this.#setState("waiting");
    this.#retryTimer = setTimeout(() => {
      if (this.#state === "waiting") void this.#open(this.#authRefusals > 0 ? "unauthorized" : "reconnect");
    }, delay);
  }

  #stop(error: ParleyError, code: number, reason: string, wasConnected: boolean): void {
    this.#generation++;
    this.#setState("stopped");
    clearTimeout(this.#retryTimer);
    const socket = this.#socket;
    this.#socket = null;
    socket?.close(1000, "client closed");
    this.emit("disconnected", { code, reason, willReconnect: false, wasConnected: wasConnected || !!socket?.welcomed });
    if (error.code !== "closed") this.emit("error", error);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.emit("state", state);
  }

  async #load(): Promise<void> {
    this.#ordering.load(await this.#storage.loadCursors());
    for (const entry of await this.#storage.loadOutbox()) {
      if (!this.#outbox.has(entry.clientId)) this.#outbox.set(entry.clientId, { entry, retries: 0 });
    }
  }

  // ---- frames ---------------------------------------------------------------------------

  #frame(socket: Socket, frame: ServerFrame): void {
    if (socket !== this.#socket) return;
    switch (frame.t) {
      case "welcome":
        return this.#welcome(socket, frame);
      case "msg": {
        const { t: _, ...message } = frame;
        return this.#ordering.offer(message);
      }
      case "ack":
        return this.#acked(frame);
      case "error":
        return this.#error(socket, frame);
      case "conversation":
        return this.emit("conversation", frame.conversation);
      case "receipt":
      case "typing":
      case "presence":
      case "contact":
      case "settings": {
        const { t, ...event } = frame;
        return this.emit(t, event as never);
      }
      default:
        return; // pong, or a msgs nobody waits for any more
    }
  }

  #welcome(socket: Socket, frame: ServerFrameOf<"welcome">): void {
    socket.welcome(frame.heartbeatMs);
    this.#user = frame.user;
    this.#attempt = 0;
    this.#authRefusals = 0;
    this.#setState("open");
    const reconnected = this.#everConnected;
    this.#everConnected = true;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    this.emit("connected", { user: frame.user, heartbeatMs: frame.heartbeatMs, reconnected });
    for (const outgoing of this.#outbox.values()) this.#transmit(outgoing);
    this.#flushMarks();
    // Gaps the previous socket was paging: the resume of this hello fills them, or this does.
    for (const conv of this.#ordering.gaps()) this.#ordering.fill(conv);
  }

  #acked(frame: ServerFrameOf<"ack">): void {
    const outgoing = this.#outbox.get(frame.clientId);
    if (!outgoing || outgoing.entry.conv !== frame.conv) return; // a second ack of one already settled
    const { t: _, rid: __, body: stored, ...ack } = frame;
    this.#settle(outgoing);
    const { conv, clientId, body } = outgoing.entry;
    // A text is stored as sent; a file or image as the server completed it (the ack carries it).
    this.#ordering.offer({ id: ack.id, conv, seq: ack.seq, sender: this.#user!, ts: ack.ts, clientId, body: stored ?? (body as EntryBody) });
    outgoing.resolve?.(ack);
    this.emit("ack", ack);
  }

  #error(socket: Socket, frame: ServerFrameOf<"error">): void {
    const outgoing = frame.rid === undefined ? undefined : [...this.#outbox.values()].find((o) => o.rid === frame.rid && o.socket === socket);
    const error = new ParleyError(frame.code, frame.message, undefined, frame.details);
    if (!outgoing) {
      // Conversations this user cannot read (any more): hello's cursors naming them (all in one
      // frame), or one whose catch-up was refused.
      const convs = frame.conv ? [frame.conv] : unreadableCursors(frame);
      if (frame.code === "not_found" || frame.code === "forbidden") {
        for (const conv of convs) {
          this.#ordering.untrack(conv);
          this.#persist(() => this.#storage.removeCursor(conv));
        }
      }
      return this.emit("error", frame.conv ? new ParleyError(frame.code, frame.message, undefined, { conversations: convs }) : error);
    }
    if (!isDefinitive(frame.code)) {
      // rate_limited, internal: the same frame may pass later.
      const delay = backoffDelay(outgoing.retries++, this.#options.reconnect || {});
      setTimeout(() => socket === this.#socket && this.#outbox.get(outgoing.entry.clientId) === outgoing && this.#transmit(outgoing), delay);
      return;
    }
    this.#settle(outgoing);
    const { clientId, conv } = outgoing.entry;
    if (outgoing.reject) outgoing.reject(error);
    else this.emit("error", new ParleyError(frame.code, frame.message, undefined, { clientId, conv, details: frame.details }));
  }

  // ---- sending --------------------------------------------------------------------------

  /**
   * Sends a message; resolves with its ack (seq, id, ts) once durably committed. Survives
   * reconnects (same clientId); rejects on a definitive refusal. Sending the same clientId while
   * it is pending returns the pending promise.
   */
  send(conv: string, body: SendBody, options: { clientId?: string } = {}): Promise<SendResult> {
    const clientId = options.clientId ?? newClientId();
    const existing = this.#outbox.get(clientId);
    if (existing?.promise) return existing.promise;
    const parsed = SendFrame.safeParse({ t: "send", conv, clientId, body });
    if (!parsed.success) return Promise.reject(new ParleyError("invalid_request", parsed.error.message, undefined, parsed.error.issues));
    const bytes = new TextEncoder().encode(JSON.stringify({ ...parsed.data, rid: 1e9 })).length;
    if (bytes > (this.#options.maxFrameBytes ?? 65_536)) {
      return Promise.reject(new ParleyError("payload_too_large", `the send frame would be ${bytes} bytes`));
    }
    const outgoing: Outgoing = existing ?? { entry: { clientId, conv, body: parsed.data.body, createdAt: Date.now() }, retries: 0 };
    outgoing.promise = new Promise<SendResult>((resolve, reject) => Object.assign(outgoing, { resolve, reject }));
    if (!existing) {
      this.#outbox.set(clientId, outgoing);
      this.#persist(() => this.#storage.putOutbox(outgoing.entry));
    }
    if (this.#state === "open") this.#transmit(outgoing);
    return outgoing.promise;
  }

  /** Sends not acknowledged yet, oldest first. */
  pending(): PendingSend[] {
    return [...this.#outbox.values()].map((o) => o.entry);
  }

  #transmit(outgoing: Outgoing): void {
    const socket = this.#socket;
    if (!socket?.welcomed) return;
    const rid = socket.nextRid();
    const { conv, clientId, body } = outgoing.entry;
    if (socket.send({ t: "send", rid, conv, clientId, body })) Object.assign(outgoing, { rid, socket });
  }

  #settle(outgoing: Outgoing): void {
    this.#outbox.delete(outgoing.entry.clientId);
    this.#persist(() => this.#storage.removeOutbox(outgoing.entry.clientId));
  }

  // ---- receipts and typing --------------------------------------------------------------

  /** Marks `conv` read up to `seq` (default: the cursor). Sent now, or after the next (re)connect. */
  markRead(conv: string, seq?: number): void {
    this.#mark("read", conv, seq);
  }
  /** Marks `conv` delivered up to `seq` (default: the cursor). */
  markDelivered(conv: string, seq?: number): void {
    this.#mark("recv", conv, seq);
  }
  /** Tells the other members this user is typing; false when not connected (typing is not queued). */
  typing(conv: string): boolean {
    return this.#state === "open" && !!this.#socket?.send({ t: "typing", conv });
  }

  #mark(kind: "read" | "recv", conv: string, seq = this.cursor(conv)): void {
    if (seq === undefined) return;
    const marks = this.#marks[kind];
    marks.set(conv, Math.max(seq, marks.get(conv) ?? 0));
    // Coalesced: a burst of messages costs one frame per conversation.
    this.#marksTimer ??= setTimeout(() => {
      this.#marksTimer = undefined;
      this.#flushMarks();
    }, 0);
  }

  #flushMarks(): void {
    if (this.#state !== "open") return;
    for (const t of ["recv", "read"] as const) {
      for (const [conv, seq] of this.#marks[t]) if (this.#socket?.send({ t, conv, seq })) this.#marks[t].delete(conv);
    }
  }

  #persist(write: () => unknown): void {
    try {
      const result = write();
      if (result instanceof Promise) result.catch((err) => this.emit("error", asParleyError(err, "storage")));
    } catch (err) {
      this.emit("error", asParleyError(err, "storage"));
    }
  }
}

function asParleyError(error: unknown, code: string): ParleyError {
  return error instanceof ParleyError ? error : new ParleyError(code, (error as Error)?.message ?? String(error));
}

/** The conversations an error about hello's cursors names (`details.conversations`). */
function unreadableCursors(frame: ServerFrameOf<"error">): string[] {
  const named = (frame.details as { conversations?: unknown } | undefined)?.conversations;
  return Array.isArray(named) ? named.filter((c): c is string => typeof c === "string") : [];
}
