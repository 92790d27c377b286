// Who is online, across every server node. A node (a Bun process, or a Durable Object on Workers)
// reports the sockets it holds; the backend answers with the user's transitions, so that of all
// nodes exactly one learns that a user's first device came online or last device went away, and
// broadcasts it. Connections live for `ttlMs` unless their node refreshes them: a crashed node
// cannot say goodbye, so its users go offline when their entries run out.

export interface PresenceEntry {
  userId: string;
  connectionId: string;
}

export interface PresenceStatus {
  userId: string;
  online: boolean;
  /** offline: when the user was last known online (null if never); online: null */
  lastSeen: number | null;
}

export interface WentOffline {
  userId: string;
  lastSeen: number;
}

export interface PresenceRefreshResult {
  /**
   * Entries of the caller that had already expired (its node stalled past the TTL) or were
   * disconnected meanwhile. Refresh never brings them back, so that a refresh racing a disconnect
   * cannot leave a ghost: connect() again those whose sockets are still open.
   */
  lost: PresenceEntry[];
  /**
   * Users whose last connection expired (a crashed node's), each reported to one caller only; not
   * at all if a device connected again first (connect() then reported becameOnline).
   */
  expired: WentOffline[];
}

/**
 * Calls for one connection must not overlap (a node awaits connect() before it disconnects that
 * connection); calls for different connections and users may run concurrently on any node.
 */
export interface Presence {
  /**
   * Connections expire this long after their last connect or refresh: refresh every ttlMs / 3.
   * Nodes sharing a backend use the same TTL: an expired user's lastSeen is derived from it.
   */
  readonly ttlMs: number;
  /** becameOnline: no other device of the user was live anywhere. Idempotent per connection. */
  connect(userId: string, connectionId: string): Promise<{ becameOnline: boolean }>;
  /** becameOffline: this was the user's last live device; lastSeen is the time of this call. */
  disconnect(userId: string, connectionId: string): Promise<{ becameOffline: boolean; lastSeen: number }>;
  /** A node's heartbeat for its live connections; it also reaps the users of crashed nodes. */
  refresh(entries: readonly PresenceEntry[]): Promise<PresenceRefreshResult>;
  /** One status per requested id, in the order asked. */
  status(userIds: readonly string[]): Promise<PresenceStatus[]>;
}

export const DEFAULT_PRESENCE_TTL_MS = 60_000;

/** Entries grouped by user, each user once, in first-seen order. */
export function groupByUser(entries: readonly PresenceEntry[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  for (const { userId, connectionId } of entries) {
    const connections = byUser.get(userId);
    if (connections) connections.push(connectionId);
    else byUser.set(userId, [connectionId]);
  }
  return byUser;
}

export function assertTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`presence TTL must be a positive integer of ms, got ${ttlMs}`);
  return ttlMs;
}
