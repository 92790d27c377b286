// Presence without Upstash: the user's object is the one place that holds all of its user's
// sockets, so it alone decides when the user comes online (first authenticated socket) and goes
// offline (last one closed; lastSeen kept in the object's storage). No TTLs or refreshes: a
// hibernating object's sockets are still its sockets.
import type { PresenceStatus } from "../../core/presence.ts";
import { log } from "../../log.ts";

/** storage key: when the user's last socket closed */
const LAST_SEEN = "lastSeen";

export interface LocalPresenceDeps {
  storage: DurableObjectStorage;
  /** whether the user has an authenticated socket here now */
  isOnline(userId: string): boolean;
  /** sends a `presence` frame to the user's audience (their contacts' objects) */
  announce(userId: string, text: string): Promise<void>;
  waitUntil(promise: Promise<unknown>): void;
}

export class LocalPresence {
  /** the presence last announced */
  #online = false;
  /** announcements leave in order */
  #announcing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LocalPresenceDeps) {}

  /** What an earlier life of the object announced (its restored sockets): no transition to tell. */
  announced(online: boolean): void {
    this.#online = online;
  }

  /**
   * After the current step: a device replaced (old socket closed, new one registered in the
   * same step) is no transition, so contacts do not see the user flap.
   */
  mayChange(userId: string): void {
    queueMicrotask(() => {
      const online = this.deps.isOnline(userId);
      if (online === this.#online) return;
      this.#online = online;
      const lastSeen = online ? null : Date.now();
      if (lastSeen !== null) void this.deps.storage.put(LAST_SEEN, lastSeen);
      const text = JSON.stringify({ t: "presence", user: userId, status: online ? "online" : "offline", lastSeen });
      const announce = this.#announcing.then(() => this.deps.announce(userId, text));
      this.#announcing = announce.catch((error) => log("realtime").warning("presence of {user} not announced: {error}", { user: userId, error }));
      this.deps.waitUntil(this.#announcing);
    });
  }

  /** GET /v1/presence, for this object's user. */
  async status(userId: string): Promise<PresenceStatus> {
    if (this.deps.isOnline(userId)) return { userId, online: true, lastSeen: null };
    return { userId, online: false, lastSeen: (await this.deps.storage.get<number>(LAST_SEEN)) ?? null };
  }
}
