// The sockets of one server node, by user and device, and the fan-out of committed events to
// them. Every frame is serialised once per event, then handed to each connection.
import type { DomainEvent, EventSink } from "../core/events.ts";
import { noMetrics, type Metrics } from "../core/metrics.ts";
import { CloseCode } from "../schema/close-codes.ts";
import type { Message } from "../schema/messages.ts";
import type { Connection } from "./connection.ts";
import { routeEvent } from "./frames.ts";
import type { SessionLimits } from "./limits.ts";
import type { RealtimeBackend } from "./backend.ts";
import { Session, type SessionSnapshot } from "./session.ts";

export interface HubOptions {
  backend: RealtimeBackend;
  limits: SessionLimits;
  /** devices one user may have connected at once; the least recently heard is kicked beyond it */
  maxDevicesPerUser: number;
  /** told of every authenticated socket that opens and closes (presence counts them) */
  onConnected?(userId: string, connectionId: string): void;
  onDisconnected?(userId: string, connectionId: string): void;
  now?: () => number;
  metrics?: Metrics;
}

/** What a node's sockets hold right now (for gauges). */
export interface HubStats {
  sockets: number;
  users: number;
  /** bytes queued for all sockets (runtimes that show their socket buffers) */
  queuedBytes: number;
}

export class Hub implements EventSink {
  readonly #sessions = new Set<Session>();
  readonly #byUser = new Map<string, Map<string, Session>>();

  readonly #metrics: Metrics;

  constructor(private readonly options: HubOptions) {
    this.#metrics = options.metrics ?? noMetrics;
  }

  /** A socket opened: its session handles frames until it closes. */
  attach(connection: Connection): Session {
    const session = new Session(
      connection,
      this.options.backend,
      { onAuthenticated: (s) => this.#register(s), onClosed: (s) => this.#unregister(s) },
      this.options.limits,
      this.options.now,
      this.options.metrics,
    );
    this.#sessions.add(session);
    return session;
  }

  /**
   * A socket that slept (Workers' hibernation) comes back with its snapshot: registered as it
   * was, without the device replacement and cap of a new hello.
   */
  restore(connection: Connection, snapshot: SessionSnapshot): Session {
    const session = this.attach(connection);
    session.restore(snapshot);
    const devices = this.#byUser.get(snapshot.user.userId) ?? new Map<string, Session>();
    this.#byUser.set(snapshot.user.userId, devices);
    devices.set(session.device, session);
    return session;
  }

  /** The earliest nextTickAt() of the sessions, null without sessions. */
  nextTickAt(): number | null {
    let at: number | null = null;
    for (const session of this.#sessions) at = Math.min(at ?? Infinity, session.nextTickAt());
    return at;
  }

  get size(): number {
    return this.#sessions.size;
  }

  stats(): HubStats {
    let queuedBytes = 0;
    for (const session of this.#sessions) queuedBytes += session.connection.queuedBytes?.() ?? 0;
    return { sockets: this.#sessions.size, users: this.#byUser.size, queuedBytes };
  }

  /** No socket starts another request; resolves once those running have answered (see Session.quiesce). */
  async quiesce(): Promise<void> {
    await Promise.all([...this.#sessions].map((session) => session.quiesce()));
  }

  /** Closes every socket (a node shutting down: SERVICE_RESTART tells clients to come back at once). */
  closeAll(code: number, reason: string): void {
    for (const session of this.#sessions) session.close(code, reason);
  }

  /** Heartbeat sweep; the runtime calls it every few seconds. */
  tick(now = Date.now()): void {
    for (const session of this.#sessions) session.tick(now);
  }

  /** A login was revoked (logout, refresh-token reuse): its sockets go. */
  kickLogin(loginId: string): void {
    for (const session of this.#sessions) {
      if (session.user?.loginId === loginId) session.close(CloseCode.KICKED, "session revoked");
    }
  }

  publish(event: DomainEvent): void {
    const routed = routeEvent(event);
    switch (routed.kind) {
      case "stream":
        return this.deliver(routed.to, routed.message, routed.text, routed.sourceConnection);
      case "notify":
        return this.notifyUsers(routed.to, routed.text, routed.except);
      case "join":
        return this.join(routed.to, routed.conv, routed.text, routed.from);
    }
  }

  /** A committed message, serialised once (`text`), to every socket of the given users. */
  deliver(userIds: Iterable<string>, message: Message, text: string, sourceConnection?: string): void {
    // The sending connection gets its ack instead, at the message's place in its stream.
    let sockets = 0;
    this.#each(userIds, undefined, (s) => {
      sockets++;
      s.deliver(message, s.id === sourceConnection ? null : text);
    });
    this.#metrics.inc("parley_fanout_deliveries_total", undefined, sockets);
  }

  /** The users were added to `conv`: their sockets get `text` (the conversation), then its log from `from`. */
  join(userIds: Iterable<string>, conv: string, text: string, from: number): void {
    this.#each(userIds, undefined, (s) => s.join(conv, text, from));
  }

  /** Sends one serialised frame to every socket of the given users (but the `except` connection). */
  notifyUsers(userIds: Iterable<string>, text: string, except?: string): void {
    this.#each(userIds, except, (s) => s.notify(text));
  }

  isOnline(userId: string): boolean {
    return (this.#byUser.get(userId)?.size ?? 0) > 0;
  }

  /** Every authenticated socket of this node, for presence refreshes. */
  connections(): { userId: string; connectionId: string }[] {
    const all: { userId: string; connectionId: string }[] = [];
    for (const [userId, devices] of this.#byUser) for (const s of devices.values()) all.push({ userId, connectionId: s.id });
    return all;
  }

  #each(userIds: Iterable<string>, except: string | undefined, fn: (s: Session) => void): void {
    for (const userId of userIds) {
      const devices = this.#byUser.get(userId);
      if (!devices) continue;
      for (const session of devices.values()) if (session.id !== except) fn(session);
    }
  }

  #register(session: Session): void {
    const userId = session.user!.userId;
    // Counted before the sockets it replaces go, so a device reconnecting does not flap offline.
    this.options.onConnected?.(userId, session.id);
    const current = this.#byUser.get(userId);
    current?.get(session.device)?.close(CloseCode.KICKED, "same device connected again");
    while (current && current.size >= this.options.maxDevicesPerUser) {
      const quietest = [...current.values()].reduce((a, b) => (a.lastHeard <= b.lastHeard ? a : b));
      quietest.close(CloseCode.KICKED, "too many devices");
    }
    // Closing above may have removed the user's entry: look it up again.
    const devices = this.#byUser.get(userId) ?? new Map<string, Session>();
    this.#byUser.set(userId, devices);
    devices.set(session.device, session);
  }

  #unregister(session: Session): void {
    this.#sessions.delete(session);
    const userId = session.user?.userId;
    if (!userId) return;
    const devices = this.#byUser.get(userId);
    // A replaced device's entry already points at its successor.
    if (devices?.get(session.device) === session) {
      devices.delete(session.device);
      if (devices.size === 0) this.#byUser.delete(userId);
    }
    this.options.onDisconnected?.(userId, session.id);
  }
}
