// Rosters by conversation, kept in memory: every send needs one to authorize the sender and to
// fan out, and a 1,000-member group must not cost a query per message.
//
// A membership change drops its conversation's roster from every cache that may hold it
// (Conversations.membersChanged): this one at once; on Bun, other nodes' through the bus
// (syncRosterCache); on Workers only the conversation's object keeps a long-lived cache, and
// changes run there. The bus may lose a notice (it delivers at most once), so a roster is also
// read again once it is `maxAgeMs` old: that bounds how long a lost notice leaves it stale.
// A size cap bounds memory.
import { assertChannel, type EventBus, type Unsubscribe } from "./bus.ts";
import type { Roster } from "./roster.ts";
import type { ConversationStore } from "./store/conversations.ts";

export interface RosterCacheOptions {
  /** conversations held at most (default 10,000); the oldest entry makes room */
  maxEntries?: number;
  /** how long a list is used before it is read again (default 60 s) */
  maxAgeMs?: number;
  now?: () => number;
}

export class RosterCache {
  readonly #byConv = new Map<string, { roster: Promise<Roster | null>; readAt: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly store: ConversationStore,
    options: RosterCacheOptions = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The conversation's roster; null when it does not exist. */
  roster(convId: string): Promise<Roster | null> {
    const now = this.#now();
    const cached = this.#byConv.get(convId);
    if (cached && now - cached.readAt < this.#maxAgeMs) return cached.roster;
    const entry = { roster: this.store.roster(convId), readAt: now };
    // A failed read is not kept; a newer entry (after an invalidation) stays.
    entry.roster.catch(() => {
      if (this.#byConv.get(convId) === entry) this.#byConv.delete(convId);
    });
    this.#byConv.delete(convId);
    if (this.#byConv.size >= this.#maxEntries) this.#byConv.delete(this.#byConv.keys().next().value!);
    this.#byConv.set(convId, entry);
    return entry.roster;
  }

  /** Drops the conversation's roster: the next roster() reads the store. */
  invalidate(convId: string): void {
    this.#byConv.delete(convId);
  }
}

const CHANNEL = assertChannel("members");

export interface RosterCacheSync {
  /** The other nodes' part of Conversations.membersChanged (ConversationsDeps.onMembersChanged). */
  changed(convId: string): Promise<void>;
  /** ends this node's subscription */
  stop: Unsubscribe;
}

/**
 * Membership changes between server nodes that share a database (Bun nodes): the conversation
 * id of every change goes over the bus, and each node, this one included, drops that roster from
 * its cache. Resolves once this node hears the others.
 */
export async function syncRosterCache(cache: RosterCache, bus: EventBus, onError: (error: unknown) => void): Promise<RosterCacheSync> {
  const stop = await bus.subscribe(CHANNEL, (convId) => cache.invalidate(convId));
  return { changed: (convId) => bus.publish(CHANNEL, convId).catch(onError), stop };
}
