// One Durable Object per user (idFromName(userId)): all of that user's sockets, held with the
// WebSocket Hibernation API, one core Session each through the core Hub, so device replacement
// (4010), the device cap and kicks of a revoked login work exactly as on a Bun node.
//
// Hibernation: while no socket speaks and nothing is delivered, the runtime may evict the object
// and keep only the sockets; a woken object rebuilds its sessions from their attachments
// (hibernation.ts).
//
// Presence, announced to the user's contacts' objects as `presence` frames either way:
// - without Upstash, decided here from the sockets this object holds (local-presence.ts).
// - with Upstash (UPSTASH_REDIS_REST_URL and _TOKEN), the object reports each socket to the
//   Presence port as a Bun node does (PresenceTracker), so Upstash decides transitions and
//   lastSeen, and Workers and Bun nodes sharing it agree. There, a connection expires unless
//   refreshed within the TTL (60 s), and a hibernating object runs no timers; but its alarm
//   still wakes it: while the user has a socket here, the alarm is due at most TTL / 3 ahead
//   (#schedule) and every alarm refreshes (alarm()). So the object wakes about every 20 s to keep
//   sleeping sockets online, and may hibernate again in between. If it is gone for good, so are
//   its sockets: their entries run out and another node's refresh reports the user offline.
//
// Heartbeat: `{"t":"ping"}` (no rid) is answered by the runtime itself without waking the object;
// an alarm set at the earliest deadline of any session (hello timeout, 2 × heartbeat of silence)
// runs the sessions' tick, counting those automatic answers as signs of life.
import { DurableObject } from "cloudflare:workers";
import type { Message } from "../../schema/messages.ts";
import type { PresenceStatus } from "../../core/presence.ts";
import { presenceAudience } from "../../core/presence-queries.ts";
import type { PushNotifier } from "../../core/push-notifier.ts";
import { servicesBackend } from "../../realtime/backend.ts";
import type { Connection } from "../../realtime/connection.ts";
import { CloseCode } from "../../schema/close-codes.ts";
import { Hub } from "../../realtime/hub.ts";
import { PresenceTracker } from "../../realtime/presence-tracker.ts";
import type { RealtimeBackend } from "../../realtime/backend.ts";
import type { Session } from "../../realtime/session.ts";
import { log } from "../../log.ts";
import type { Env } from "./env.ts";
import { conversationObject, OWNER_HEADER, userObject } from "./objects.ts";
import type { UserRpc } from "./rpc.ts";
import { objectRuntime, type Runtime } from "./runtime.ts";
import { workersServices } from "./services.ts";
import { closeCode, tooBig } from "./frames.ts";
import { attachmentOf, openAttachment, persistSession } from "./hibernation.ts";
import { LocalPresence } from "./local-presence.ts";
import { UserList } from "./user-list.ts";

/** Logins revoked recently, remembered to refuse a hello whose check raced the revocation. */
const REVOKED_MEMORY = 1000;

export const PING = '{"t":"ping"}';
export const PONG = '{"t":"pong"}';
/** how a `settings` frame starts (encodeFrame writes `t` first): one of the user's list lines changed */
const SETTINGS_FRAME = '{"t":"settings",';

export class UserObject extends DurableObject<Env> implements UserRpc {
  readonly #rt: Runtime;
  readonly #hub: Hub;
  readonly #sessions = new Map<WebSocket, Session>();
  readonly #byId = new Map<string, Session>();
  readonly #revoked = new Set<string>();
  /**
   * The user this object is for (idFromName(userId)), as the Worker names it on every upgrade
   * (OWNER_HEADER) and the attachments remember: a hello with another user's token is refused.
   */
  #owner: string | undefined;
  /** presence decided here (used without Upstash) */
  readonly #localPresence: LocalPresence;
  /** Upstash presence (null: derived from the sockets here) */
  readonly #tracker: PresenceTracker | null;
  /** the pending alarm (null: none) */
  #alarmAt: number | null = null;
  /** the user's conversation list (LOG_PLACEMENT=object) */
  readonly #list: UserList | undefined;
  /** push notifications, when configured: entries that arrive while the user has no socket here */
  readonly #push: PushNotifier | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#rt = objectRuntime(env);
    const placement = this.#rt.settings.logPlacement;
    // under object placement, the user's conversation list is kept here
    const list = placement === "object" ? new UserList(ctx.storage.sql, (conv, userId) => conversationObject(env, conv).readSummary(conv, userId)) : undefined;
    this.#list = list;
    // The Worker's services: writes through the conversations' objects, reads per call (so no
    // member list is cached here: see src/core/roster-cache.ts).
    const domain = workersServices(this.#rt.deps, env, placement, list && ((userId, convs) => list.lines(userId, convs.map((c) => c.id))));
    this.#push = domain.push;
    const services = servicesBackend(domain, { multiNode: false });
    const backend: RealtimeBackend = {
      ...services,
      authenticate: async (token) => {
        const claims = await services.authenticate(token);
        if (!claims || claims.userId !== this.#owner) return null; // another user's socket has no place here
        // A kick that arrived while the store said "active" wins.
        return this.#revoked.has(claims.loginId) ? null : claims;
      },
      // send: the conversation object answers after its delivery of the message reached this
      // object, so the ack leaves through the socket's stream in seq order.
    };
    const { config } = this.#rt.settings;
    this.#hub = new Hub({
      backend,
      limits: this.#rt.limits,
      maxDevicesPerUser: config.MAX_DEVICES_PER_USER,
      metrics: this.#rt.metricsFor("user"),
      onConnected: (userId, id) => (this.#tracker ? this.ctx.waitUntil(this.#tracker.connected(userId, id)) : this.#localPresence.mayChange(userId)),
      onDisconnected: (userId, id) => (this.#tracker ? this.ctx.waitUntil(this.#tracker.disconnected(userId, id)) : this.#localPresence.mayChange(userId)),
    });
    const shared = this.#rt.deps.presence;
    this.#tracker = shared
      ? new PresenceTracker({
          presence: shared,
          contacts: (userId) => presenceAudience(this.#rt.deps.store, userId),
          announce: (users, text) => this.#tell(users, text),
          liveConnections: () => this.#hub.connections(),
          onError: (error) => log("realtime").warning("presence backend failed: {error}", { error }),
        })
      : null;
    this.#localPresence = new LocalPresence({
      storage: ctx.storage,
      isOnline: (userId) => this.#hub.isOnline(userId),
      announce: async (userId, text) => this.#tell(await presenceAudience(this.#rt.deps.store, userId), text),
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    const sleeping = ctx.getWebSockets();
    for (const ws of sleeping) this.#wake(ws);
    if (sleeping.length > 0) log("realtime").info("user object woke up with {sockets} sockets", { sockets: sleeping.length });
    // restored sockets were announced in an earlier life
    this.#localPresence.announced(this.#owner !== undefined && this.#hub.isOnline(this.#owner));
    // the alarm an earlier life set, which #schedule must not postpone (the presence refresh)
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** The upgrade, forwarded by the Worker once it knows the user. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const owner = request.headers.get(OWNER_HEADER);
    if (!owner) return new Response("no user", { status: 400 });
    this.#owner = owner;
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const id = crypto.randomUUID();
    openAttachment(server, id, owner, Date.now());
    this.#track(server, this.#hub.attach(this.#connection(server, id)));
    this.#schedule();
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = this.#sessions.get(ws);
    if (!session) return;
    if (typeof message !== "string") session.binary();
    else if (tooBig(message, this.#rt.settings.config.MAX_FRAME_BYTES)) session.close(CloseCode.TOO_BIG, "frame too large");
    else await session.text(message);
    persistSession(ws, session);
    this.#schedule();
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.#forget(ws)?.closed();
    try {
      ws.close(closeCode(code), reason); // answer the client's close
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.#forget(ws)?.closed();
  }

  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    for (const [ws, session] of this.#sessions) {
      const pinged = this.ctx.getWebSocketAutoResponseTimestamp(ws);
      if (pinged) session.heard(pinged.getTime());
    }
    this.#hub.tick(Date.now());
    for (const [ws, session] of this.#sessions) persistSession(ws, session);
    await this.#tracker?.refresh(); // keeps this object's sockets alive in Upstash: see the top
    this.#schedule();
  }

  // ---- RPC from the conversation objects and the Worker ----------------------------------

  /** A committed message, serialised once by its conversation; `sourceConnection` gets no echo. */
  async deliver(userId: string, message: Message, text: string, sourceConnection?: string): Promise<void> {
    this.#list?.entry(userId, message);
    this.#hub.deliver([userId], message, text, sourceConnection);
    for (const [ws, session] of this.#sessions) persistSession(ws, session);
    if (this.#push && !this.#hub.isOnline(userId)) this.ctx.waitUntil(this.#push.entryForOffline([userId], message));
  }

  /** A receipt or typing frame; `except` is the connection that caused it. */
  async notify(userId: string, text: string, except?: string): Promise<void> {
    if (this.#list && text.startsWith(SETTINGS_FRAME)) this.#list.changed((JSON.parse(text) as { conv: string }).conv);
    this.#hub.notifyUsers([userId], text, except);
  }

  /** The user was added to `conv`: the conversation, then its log from `from`. */
  async join(userId: string, conv: string, text: string, from: number): Promise<void> {
    this.#list?.changed(conv);
    this.#hub.join([userId], conv, text, from);
  }

  /** GET /v1/presence, for this object's user. */
  async presence(userId: string): Promise<PresenceStatus> {
    return this.#localPresence.status(userId);
  }

  async listLines(userId: string, convs: string[]) {
    if (!this.#list) throw new Error("listLines: the conversation list is in the shared database here (LOG_PLACEMENT=shared)");
    return this.#list.lines(userId, convs);
  }

  async kickLogin(loginId: string): Promise<void> {
    this.#revoked.add(loginId);
    if (this.#revoked.size > REVOKED_MEMORY) this.#revoked.delete(this.#revoked.values().next().value!);
    this.#hub.kickLogin(loginId);
  }

  // ---- sockets ----------------------------------------------------------------------------

  #connection(ws: WebSocket, id: string): Connection {
    return {
      id,
      send(text) {
        try {
          ws.send(text);
          return true;
        } catch {
          return false;
        }
      },
      close(code, reason) {
        try {
          ws.close(code, reason);
        } catch {
          // already closed
        }
      },
    };
  }

  #track(ws: WebSocket, session: Session): void {
    this.#sessions.set(ws, session);
    this.#byId.set(session.id, session);
  }

  #forget(ws: WebSocket): Session | undefined {
    const session = this.#sessions.get(ws);
    this.#sessions.delete(ws);
    if (session) this.#byId.delete(session.id);
    return session;
  }

  /** A socket that outlived the object's last life: its session comes back from the attachment. */
  #wake(ws: WebSocket): void {
    const attachment = attachmentOf(ws);
    if (!attachment) return ws.close(1011, "state lost");
    this.#owner = attachment.owner;
    const connection = this.#connection(ws, attachment.id);
    if (attachment.session) return this.#track(ws, this.#hub.restore(connection, attachment.session));
    // it slept before hello: the hello timeout still counts from the upgrade
    const session = this.#hub.attach(connection);
    session.openedAt = attachment.openedAt;
    this.#track(ws, session);
  }

  /** A `presence` frame to each of these users' objects. */
  async #tell(users: readonly string[], text: string): Promise<void> {
    await Promise.all(users.map((user) => userObject(this.env, user).notify(user, text)));
  }

  /**
   * The alarm goes off at the earliest deadline of any session (one alarm per object), and with
   * Upstash presence at most TTL / 3 after the last refresh while the user has a socket here:
   * an alarm is only ever brought forward, and each one refreshes.
   */
  #schedule(): void {
    let at = this.#hub.nextTickAt();
    const shared = this.#rt.deps.presence;
    if (shared && this.#owner && this.#hub.isOnline(this.#owner)) at = Math.min(at ?? Infinity, Date.now() + shared.ttlMs / 3);
    if (at === null || (this.#alarmAt !== null && this.#alarmAt <= at)) return;
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at);
  }
}
