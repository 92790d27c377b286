// Member lists by conversation, kept in memory: every send needs them to authorize the sender
// and to fan out, and a 1,000-member group must not cost a query per message.
//
// A membership change drops its conversation's list from every cache that may hold it
// (Conversations.membersChanged): this one at once; on Bun, other nodes' through the bus
// (syncMemberCache); on Workers only the conversation's object keeps a long-lived cache, and
// changes run there. The bus may lose a notice (it delivers at most once), so a list is also
// read again once it is `maxAgeMs` old: that bounds how long a lost notice leaves it stale.
// A size cap bounds memory.
import type { Role } from "../schema/conversations.ts";
import { assertChannel, type EventBus, type Unsubscribe } from "./bus.ts";
import type { ConversationStore } from "./store/conversations.ts";

export interface MemberCacheOptions {
  /** conversations held at most (default 10,000); the oldest entry makes room */
  maxEntries?: number;
  /** how long a list is used before it is read again (default 60 s) */
  maxAgeMs?: number;
  now?: () => number;
}

export class MemberCache {
  readonly #byConv = new Map<string, { members: Promise<Map<string, Role>>; readAt: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly store: ConversationStore,
    options: MemberCacheOptions = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** userId → role of every member; empty when the conversation does not exist. */
  members(convId: string): Promise<Map<string, Role>> {
    const now = this.#now();
    const cached = this.#byConv.get(convId);
    if (cached && now - cached.readAt < this.#maxAgeMs) return cached.members;
    const entry = {
      members: this.store.conversation(convId).then((c) => new Map(c?.members.map((m) => [m.userId, m.role]))),
      readAt: now,
    };
    // A failed read is not kept; a newer entry (after an invalidation) stays.
    entry.members.catch(() => {
      if (this.#byConv.get(convId) === entry) this.#byConv.delete(convId);
    });
    this.#byConv.delete(convId);
    if (this.#byConv.size >= this.#maxEntries) this.#byConv.delete(this.#byConv.keys().next().value!);
    this.#byConv.set(convId, entry);
    return entry.members;
  }

  /** Drops the conversation's list: the next members() reads the store. */
  invalidate(convId: string): void {
    this.#byConv.delete(convId);
  }
}

const CHANNEL = assertChannel("members");

export interface MemberCacheSync {
  /** The other nodes' part of Conversations.membersChanged (ConversationsDeps.onMembersChanged). */
  changed(convId: string): Promise<void>;
  /** ends this node's subscription */
  stop: Unsubscribe;
}

/**
 * Membership changes between server nodes that share a database (Bun nodes): the conversation
 * id of every change goes over the bus, and each node, this one included, drops that list from
 * its cache. Resolves once this node hears the others.
 */
export async function syncMemberCache(cache: MemberCache, bus: EventBus, onError: (error: unknown) => void): Promise<MemberCacheSync> {
  const stop = await bus.subscribe(CHANNEL, (convId) => cache.invalidate(convId));
  return { changed: (convId) => bus.publish(CHANNEL, convId).catch(onError), stop };
}
