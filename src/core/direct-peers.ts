// What stands between the two users of each direct conversation (a block, a friendship), kept in
// memory: every send in a two-member conversation needs it (contacts.ts), and a query per
// message would halve what a node can commit (the reads queue behind the writes).
//
// A change between two users drops their entry from every cache that may hold it
// (Contacts#pairChanged): this one at once; on Bun, other nodes' through the bus
// (syncDirectPeers); on Workers, the one in the conversation's object, told by the Worker. Like
// the member lists (member-cache.ts), an entry is read again once it is `maxAgeMs` old, in case
// a notice was lost, and a size cap bounds memory.
import { assertChannel, type EventBus, type Unsubscribe } from "./bus.ts";
import type { ContactStore } from "./store/contacts.ts";

export interface DirectPeer {
  other: string;
  blocked: boolean;
  friends: boolean;
}

interface Entry {
  /** the two users and what stands between them, when the conversation is direct */
  pair: Promise<{ users: [string, string]; blocked: boolean; friends: boolean } | null>;
  readAt: number;
  /** the pair's key, once read */
  key?: string;
}

const pairKey = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);

export class DirectPeers {
  readonly #byConv = new Map<string, Entry>();
  /** pair key → its direct conversation, for the entries read */
  readonly #convOfPair = new Map<string, string>();
  /** conversations whose entry is still being read: which pair it is, nobody knows yet */
  readonly #reading = new Set<string>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(
    private readonly store: Pick<ContactStore, "directPeer">,
    options: { maxEntries?: number; maxAgeMs?: number; now?: () => number } = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** The other member of the user's direct conversation and what stands between them; null for any other conversation. */
  async peer(userId: string, convId: string): Promise<DirectPeer | null> {
    const pair = await this.#entry(userId, convId).pair;
    if (!pair) return null;
    return { other: pair.users[0] === userId ? pair.users[1] : pair.users[0], blocked: pair.blocked, friends: pair.friends };
  }

  /** Something changed between the two: their entry is read again (and so is any read that may have begun before). */
  forgetPair(a: string, b: string): void {
    const conv = this.#convOfPair.get(pairKey(a, b));
    if (conv !== undefined) this.#drop(conv);
    for (const reading of [...this.#reading]) this.#drop(reading);
  }

  #entry(userId: string, convId: string): Entry {
    const now = this.#now();
    const cached = this.#byConv.get(convId);
    if (cached && now - cached.readAt < this.#maxAgeMs) return cached;
    this.#drop(convId);
    if (this.#byConv.size >= this.#maxEntries) this.#drop(this.#byConv.keys().next().value!);
    const entry: Entry = {
      pair: this.store.directPeer(userId, convId).then((peer) => {
        const pair = peer && { users: [userId, peer.other] as [string, string], blocked: peer.blocked, friends: peer.friends };
        // still the current entry (no change dropped it meanwhile): find it by its pair from now on
        if (this.#byConv.get(convId) === entry) {
          this.#reading.delete(convId);
          if (pair) this.#convOfPair.set((entry.key = pairKey(userId, pair.users[1])), convId);
        }
        return pair;
      }),
      readAt: now,
    };
    // A failed read is not kept; a newer entry stays.
    entry.pair.catch(() => {
      if (this.#byConv.get(convId) === entry) this.#drop(convId);
    });
    this.#byConv.set(convId, entry);
    this.#reading.add(convId);
    return entry;
  }

  #drop(convId: string): void {
    const entry = this.#byConv.get(convId);
    this.#byConv.delete(convId);
    this.#reading.delete(convId);
    if (entry?.key !== undefined && this.#convOfPair.get(entry.key) === convId) this.#convOfPair.delete(entry.key);
  }
}

const CHANNEL = assertChannel("direct-peers");

export interface DirectPeersSync {
  /** The other nodes' part of a change between two users (ContactsDeps.onPairChanged). */
  changed(a: string, b: string): Promise<void>;
  /** ends this node's subscription */
  stop: Unsubscribe;
}

/** Changes between two users, between server nodes that share a database (Bun nodes): each node, this one included, forgets the pair. */
export async function syncDirectPeers(peers: DirectPeers, bus: EventBus, onError: (error: unknown) => void): Promise<DirectPeersSync> {
  const stop = await bus.subscribe(CHANNEL, (payload) => {
    const [a, b] = JSON.parse(payload) as [string, string];
    peers.forgetPair(a, b);
  });
  return { changed: (a, b) => bus.publish(CHANNEL, JSON.stringify([a, b])).catch(onError), stop };
}
