// Presence for a single process: exact per-user connection sets with the same TTL rules as the
// Redis adapter, so that both behave alike (and tests can play two nodes on one instance).
import {
  assertTtl,
  DEFAULT_PRESENCE_TTL_MS,
  groupByUser,
  type Presence,
  type PresenceEntry,
  type PresenceStatus,
  type PresenceRefreshResult,
  type WentOffline,
} from "../core/presence.ts";
import { systemClock, type Clock } from "../core/ports.ts";

interface UserConnections {
  /** connectionId → expiry (ms) */
  connections: Map<string, number>;
  /** the latest expiry of the live set; once passed with no live connection, the user is due for reaping */
  until: number;
}

export interface MemoryPresenceOptions {
  ttlMs?: number;
  clock?: Clock;
}

export class MemoryPresence implements Presence {
  readonly ttlMs: number;
  readonly #clock: Clock;
  readonly #users = new Map<string, UserConnections>();
  /** lastSeen of users whose offline transition has been reported */
  readonly #seen = new Map<string, number>();

  constructor(options: MemoryPresenceOptions = {}) {
    this.ttlMs = assertTtl(options.ttlMs ?? DEFAULT_PRESENCE_TTL_MS);
    this.#clock = options.clock ?? systemClock;
  }

  async connect(userId: string, connectionId: string): Promise<{ becameOnline: boolean }> {
    const now = this.#clock.now();
    const user = this.#users.get(userId) ?? { connections: new Map<string, number>(), until: 0 };
    this.#users.set(userId, user);
    prune(user, now);
    const becameOnline = user.connections.size === 0;
    user.connections.set(connectionId, now + this.ttlMs);
    settle(user);
    return { becameOnline };
  }

  async disconnect(userId: string, connectionId: string): Promise<{ becameOffline: boolean; lastSeen: number }> {
    const now = this.#clock.now();
    const user = this.#users.get(userId);
    if (!user) return { becameOffline: false, lastSeen: now };
    const wasLive = (user.connections.get(connectionId) ?? 0) > now;
    user.connections.delete(connectionId);
    prune(user, now);
    if (settle(user) || !wasLive) return { becameOffline: false, lastSeen: now };
    this.#users.delete(userId);
    this.#seen.set(userId, now);
    return { becameOffline: true, lastSeen: now };
  }

  async refresh(entries: readonly PresenceEntry[]): Promise<PresenceRefreshResult> {
    const now = this.#clock.now();
    const lost: PresenceEntry[] = [];
    for (const [userId, connectionIds] of groupByUser(entries)) {
      const user = this.#users.get(userId);
      if (user) prune(user, now);
      for (const connectionId of connectionIds) {
        if (user?.connections.has(connectionId)) user.connections.set(connectionId, now + this.ttlMs);
        else lost.push({ userId, connectionId });
      }
      if (user) settle(user);
    }
    return { lost, expired: this.#reap(now) };
  }

  async status(userIds: readonly string[]): Promise<PresenceStatus[]> {
    const now = this.#clock.now();
    return userIds.map((userId) => {
      const user = this.#users.get(userId);
      if (user && [...user.connections.values()].some((expiry) => expiry > now)) return { userId, online: true, lastSeen: null };
      const lastSeen = user ? user.until - this.ttlMs : (this.#seen.get(userId) ?? null);
      return { userId, online: false, lastSeen };
    });
  }

  #reap(now: number): WentOffline[] {
    const expired: WentOffline[] = [];
    for (const [userId, user] of this.#users) {
      if (user.until > now) continue;
      // lastSeen: the last connect or refresh, assuming every node runs with the same TTL
      const lastSeen = user.until - this.ttlMs;
      this.#users.delete(userId);
      this.#seen.set(userId, lastSeen);
      expired.push({ userId, lastSeen });
    }
    return expired;
  }
}

function prune(user: UserConnections, now: number): void {
  for (const [connectionId, expiry] of user.connections) if (expiry <= now) user.connections.delete(connectionId);
}

/** Moves `until` to the latest expiry; false when no connection is left (`until` then stays as it was). */
function settle(user: UserConnections): boolean {
  if (user.connections.size === 0) return false;
  user.until = Math.max(...user.connections.values());
  return true;
}
