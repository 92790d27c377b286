// Tells the Presence backend about this node's sockets and announces users' online/offline
// transitions to their contacts as `presence` frames. Announcements travel over the event bus,
// so every node (with Upstash) tells its own sockets; without Upstash the bus is this process.
import type { EventBus, Unsubscribe } from "../core/bus.ts";
import type { Presence, PresenceEntry } from "../core/presence.ts";
import type { PresenceItem } from "../schema/presence.ts";

const CHANNEL = "presence";

export interface PresenceTrackerDeps {
  presence: Presence;
  bus: EventBus;
  /** users who share a conversation with this one: they hear of its transitions */
  contacts(userId: string): Promise<string[]>;
  /** sends a serialised frame to this node's sockets of these users */
  deliverLocal(userIds: readonly string[], text: string): void;
  /** this node's authenticated sockets, refreshed so that they do not expire */
  liveConnections(): PresenceEntry[];
  onError(error: unknown): void;
}

export class PresenceTracker {
  // Per connection, so that its disconnect never overtakes its connect.
  readonly #pending = new Map<string, Promise<void>>();
  #unsubscribe: Unsubscribe | undefined;

  constructor(private readonly deps: PresenceTrackerDeps) {}

  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.bus.subscribe(CHANNEL, (payload) => {
      const { users, text } = JSON.parse(payload) as { users: string[]; text: string };
      this.deps.deliverLocal(users, text);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
  }

  connected(userId: string, connectionId: string): void {
    this.#chain(connectionId, async () => {
      const { becameOnline } = await this.deps.presence.connect(userId, connectionId);
      if (becameOnline) await this.#announce({ user: userId, status: "online", lastSeen: null });
    });
  }

  disconnected(userId: string, connectionId: string): void {
    this.#chain(connectionId, async () => {
      const { becameOffline, lastSeen } = await this.deps.presence.disconnect(userId, connectionId);
      if (becameOffline) await this.#announce({ user: userId, status: "offline", lastSeen });
    });
  }

  /** Keeps this node's sockets alive in the backend; reports crashed nodes' users offline. */
  async refresh(): Promise<void> {
    try {
      const { lost, expired } = await this.deps.presence.refresh(this.deps.liveConnections());
      for (const { userId, connectionId } of lost) this.connected(userId, connectionId);
      for (const { userId, lastSeen } of expired) await this.#announce({ user: userId, status: "offline", lastSeen });
    } catch (error) {
      this.deps.onError(error);
    }
  }

  #chain(connectionId: string, step: () => Promise<void>): void {
    const next = (this.#pending.get(connectionId) ?? Promise.resolve()).then(step).catch((error) => this.deps.onError(error));
    this.#pending.set(connectionId, next);
    void next.then(() => {
      if (this.#pending.get(connectionId) === next) this.#pending.delete(connectionId);
    });
  }

  async #announce(item: PresenceItem): Promise<void> {
    const users = await this.deps.contacts(item.user);
    if (users.length === 0) return;
    const text = JSON.stringify({ t: "presence", ...item });
    await this.deps.bus.publish(CHANNEL, JSON.stringify({ users, text }));
  }
}
