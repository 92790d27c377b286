// Tells the Presence backend about this node's sockets and announces users' online/offline
// transitions to their contacts as `presence` frames. How a frame reaches the contacts' sockets
// is the runtime's: over the event bus on Bun (every node tells its own sockets; without Upstash
// the bus is this process), from object to object on Workers.
import type { Presence, PresenceEntry } from "../core/presence.ts";
import type { PresenceItem } from "../schema/presence.ts";

export interface PresenceTrackerDeps {
  presence: Presence;
  /** who hears of this user's transitions: those who share a conversation with it, no one across a block (presenceAudience) */
  contacts(userId: string): Promise<string[]>;
  /** sends a serialised `presence` frame to every socket of these users, on whichever node */
  announce(userIds: readonly string[], text: string): Promise<void>;
  /** this node's authenticated sockets, refreshed so that they do not expire */
  liveConnections(): PresenceEntry[];
  onError(error: unknown): void;
}

export class PresenceTracker {
  // Per connection, so that its disconnect never overtakes its connect.
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly deps: PresenceTrackerDeps) {}

  /** The returned promise settles (never rejects) once the backend knows and contacts were told. */
  connected(userId: string, connectionId: string): Promise<void> {
    return this.#chain(connectionId, async () => {
      const { becameOnline } = await this.deps.presence.connect(userId, connectionId);
      if (becameOnline) await this.#announce({ user: userId, status: "online", lastSeen: null });
    });
  }

  disconnected(userId: string, connectionId: string): Promise<void> {
    return this.#chain(connectionId, async () => {
      const { becameOffline, lastSeen } = await this.deps.presence.disconnect(userId, connectionId);
      if (becameOffline) await this.#announce({ user: userId, status: "offline", lastSeen });
    });
  }

  /** Keeps this node's sockets alive in the backend; reports crashed nodes' users offline. */
  async refresh(): Promise<void> {
    try {
      const { lost, expired } = await this.deps.presence.refresh(this.deps.liveConnections());
      for (const { userId, connectionId } of lost) void this.connected(userId, connectionId);
      for (const { userId, lastSeen } of expired) await this.#announce({ user: userId, status: "offline", lastSeen });
    } catch (error) {
      this.deps.onError(error);
    }
  }

  #chain(connectionId: string, step: () => Promise<void>): Promise<void> {
    const next = (this.#pending.get(connectionId) ?? Promise.resolve()).then(step).catch((error) => this.deps.onError(error));
    this.#pending.set(connectionId, next);
    void next.then(() => {
      if (this.#pending.get(connectionId) === next) this.#pending.delete(connectionId);
    });
    return next;
  }

  async #announce(item: PresenceItem): Promise<void> {
    const users = await this.deps.contacts(item.user);
    if (users.length === 0) return;
    await this.deps.announce(users, JSON.stringify({ t: "presence", ...item }));
  }
}
