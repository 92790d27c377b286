// Contacts: friend requests (a crosswise request accepts the one it crosses), friends, blocks,
// and the rules they put on direct conversations.
//
// A block works both ways until the blocker lifts it: neither of the two can open or send (or
// type) in their direct conversation, send the other a friend request (`blocked`), or see the
// other's presence (presence-queries.ts). Blocking also ends their friendship and closes the requests
// between them. Groups they share are not affected.
import type { Config } from "../config.ts";
import type { Contact, ContactChange, CreateFriendRequest, FriendRequest, Page, PageQuery, RequestListQuery } from "../schema/contacts.ts";
import { cursorOf } from "../schema/contacts.ts";
import { AppError, forbidden, invalid, notFound } from "./errors.ts";
import type { EventSink } from "./events.ts";
import type { DirectPeers } from "./direct-peers.ts";
import type { Clock } from "./ports.ts";
import { newId } from "./random.ts";
import type { ContactStore, ListPage } from "./store/contacts.ts";
import type { UserStore } from "./store/users.ts";

export interface ContactRules {
  /** `friends`: direct conversations only between friends (DIRECT_MESSAGES) */
  directMessages: "anyone" | "friends";
  /** pending requests one user may have sent at once (MAX_PENDING_FRIEND_REQUESTS) */
  maxPendingRequests: number;
}
/** The defaults of src/config.ts. */
export const defaultContactRules: ContactRules = { directMessages: "anyone", maxPendingRequests: 100 };
export const contactRulesFrom = (config: Pick<Config, "DIRECT_MESSAGES" | "MAX_PENDING_FRIEND_REQUESTS">): ContactRules => ({
  directMessages: config.DIRECT_MESSAGES,
  maxPendingRequests: config.MAX_PENDING_FRIEND_REQUESTS,
});

export interface ContactsDeps {
  contacts: ContactStore;
  users: UserStore;
  /** the sends' view of each direct conversation's pair */
  peers: DirectPeers;
  /**
   * Told after something changed between two users (a friendship, a block), so that what other
   * caches hold of them (other Bun nodes, the conversation's object on Workers) is dropped too;
   * `peers` drops it itself. See direct-peers.ts.
   */
  onPairChanged?: (a: string, b: string) => void | Promise<void>;
  events: EventSink;
  clock: Clock;
  rules: ContactRules;
}

const blocked = () => new AppError("blocked", "one of you has blocked the other");
/** A request that lost a race is looked at again; this many times at most. */
const ATTEMPTS = 3;

export class Contacts {
  constructor(private readonly deps: ContactsDeps) {}

  /**
   * A new pending request (created), the caller's pending one to the same user, or — when that
   * user already asked the caller — their request, accepted.
   */
  async request(userId: string, { to, note }: CreateFriendRequest): Promise<{ request: FriendRequest; created: boolean }> {
    if (to === userId) throw invalid("cannot send a friend request to yourself", [{ field: "to", message: "is you" }]);
    if (!(await this.deps.users.userById(to))) throw invalid("no such user", [{ field: "to", message: "no such user" }]);
    const { contacts, clock, rules } = this.deps;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const pair = await contacts.pair(userId, to);
      if (pair.blocked) throw blocked();
      if (pair.friends) throw new AppError("already_friends", "you are friends already");
      if (pair.incoming) {
        const accepted = await this.#settle(pair.incoming, "accepted", userId);
        if (accepted) return { request: accepted, created: false };
        continue; // it changed meanwhile
      }
      if (pair.outgoing) return { request: pair.outgoing, created: false };
      if (pair.pendingSent >= rules.maxPendingRequests) {
        throw new AppError("forbidden", `at most ${rules.maxPendingRequests} friend requests may wait for an answer at once`, {
          maxPending: rules.maxPendingRequests,
        });
      }
      const request: FriendRequest = { id: newId(), from: userId, to, note: note ?? null, status: "pending", createdAt: clock.now() };
      if (await contacts.insertRequest(request, rules.maxPendingRequests)) {
        await this.#tell({ event: "request", by: userId, user: to, at: request.createdAt, request });
        return { request, created: true };
      }
      // something changed between the look and the insert: look again
    }
    throw new AppError("rate_limited", "friend request changed too often; try again", { retryAfter: 1 });
  }

  /** The pending requests sent to (`in`) or by (`out`) the user, newest first. */
  async requests(userId: string, query: RequestListQuery): Promise<Page<FriendRequest>> {
    return pageOf(await this.deps.contacts.pendingRequests(userId, query.direction, listPage(query)), query.limit, (r) => ({ at: r.createdAt, id: r.id }));
  }

  /** The recipient accepts: the two are friends. Each of these three answers a repeat the same. */
  accept(userId: string, id: string): Promise<FriendRequest> {
    return this.#answer(userId, id, "to", "accepted");
  }

  /** The recipient declines. */
  reject(userId: string, id: string): Promise<FriendRequest> {
    return this.#answer(userId, id, "to", "rejected");
  }

  /** The sender takes it back. */
  cancel(userId: string, id: string): Promise<FriendRequest> {
    return this.#answer(userId, id, "from", "cancelled");
  }

  async friends(userId: string, query: PageQuery): Promise<Page<Contact>> {
    return pageOf(await this.deps.contacts.friends(userId, listPage(query)), query.limit, contactStart);
  }

  async unfriend(userId: string, other: string): Promise<void> {
    if (!(await this.deps.contacts.unfriend(userId, other))) throw notFound("friend");
    await this.#pairChanged(userId, other);
    await this.#tell({ event: "unfriended", by: userId, user: other, at: this.deps.clock.now() });
  }

  async block(userId: string, other: string): Promise<{ contact: Contact; created: boolean }> {
    if (other === userId) throw invalid("cannot block yourself");
    const user = await this.deps.users.userById(other);
    if (!user) throw notFound("user");
    const at = this.deps.clock.now();
    const done = await this.deps.contacts.block(userId, other, at);
    if (done.created) {
      await this.#pairChanged(userId, other);
      await this.#tell({ event: "blocked", by: userId, user: other, at }, [userId]);
      if (done.unfriended) await this.#tell({ event: "unfriended", by: userId, user: other, at });
      for (const request of done.closed) await this.#tell({ event: request.status as "cancelled" | "rejected", by: userId, user: other, at, request });
    }
    const { id, username, displayName } = user;
    return { contact: { user: { id, username, displayName }, since: done.since }, created: done.created };
  }

  async unblock(userId: string, other: string): Promise<void> {
    if (!(await this.deps.contacts.unblock(userId, other))) throw notFound("block");
    await this.#pairChanged(userId, other);
    await this.#tell({ event: "unblocked", by: userId, user: other, at: this.deps.clock.now() }, [userId]);
  }

  async blocks(userId: string, query: PageQuery): Promise<Page<Contact>> {
    return pageOf(await this.deps.contacts.blocks(userId, listPage(query)), query.limit, contactStart);
  }

  /** Whether the user may open a direct conversation with `other` (`blocked`, or `forbidden` when friends only). */
  async requireDirectAllowed(userId: string, other: string): Promise<void> {
    const pair = await this.deps.contacts.pair(userId, other);
    if (pair.blocked) throw blocked();
    if (this.deps.rules.directMessages === "friends" && !pair.friends) throw friendsOnly();
  }

  /**
   * Whether the user may send in this conversation, as far as contacts go: in a direct one, not
   * when blocked, nor (friends only) when they are not friends. `members` (from the member
   * cache) spares groups of three or more the look.
   */
  async requireCanSend(userId: string, convId: string, members: readonly string[]): Promise<void> {
    if (members.length !== 2) return;
    const peer = await this.deps.peers.peer(userId, convId);
    if (peer?.blocked) throw blocked();
    if (peer && this.deps.rules.directMessages === "friends" && !peer.friends) throw friendsOnly();
  }

  async #answer(userId: string, id: string, party: "from" | "to", status: "accepted" | "rejected" | "cancelled"): Promise<FriendRequest> {
    const request = await this.deps.contacts.request(id);
    // someone else's request does not exist for the caller
    if (!request || (request.from !== userId && request.to !== userId)) throw notFound("friend request");
    if (request[party] !== userId) throw forbidden(party === "to" ? "only the recipient can accept or reject a request" : "only the sender can cancel a request");
    if (request.status === status) return request; // a repeat
    if (request.status === "pending") {
      const settled = await this.#settle(request, status, userId);
      if (settled) return settled;
    }
    // settled otherwise (or replaced by a newer request) before this answer
    const now = await this.deps.contacts.request(id);
    if (now?.status === status) return now;
    throw new AppError("forbidden", `the request is ${now?.status ?? "gone"}, not pending`, { status: now?.status ?? null });
  }

  /** Settles a pending request and tells both; null when it was no longer pending. */
  async #settle(request: FriendRequest, status: "accepted" | "rejected" | "cancelled", by: string): Promise<FriendRequest | null> {
    const at = this.deps.clock.now();
    const settled = await this.deps.contacts.settleRequest(request.id, status, at);
    if (settled && status === "accepted") await this.#pairChanged(settled.from, settled.to);
    if (settled) await this.#tell({ event: status, by, user: by === settled.from ? settled.to : settled.from, at, request: settled });
    return settled;
  }

  async #pairChanged(a: string, b: string): Promise<void> {
    this.deps.peers.forgetPair(a, b);
    await this.deps.onPairChanged?.(a, b);
  }

  /** A committed change, to the devices of both users (or of `to`). */
  async #tell(change: ContactChange, to: readonly string[] = [change.by, change.user]): Promise<void> {
    await this.deps.events.publish({ type: "contact", change, users: to });
  }
}

const friendsOnly = () => forbidden("direct conversations are only allowed between friends on this server");

const listPage = (query: PageQuery): ListPage => ({ limit: query.limit + 1, after: query.cursor });
const contactStart = (c: Contact) => ({ at: c.since, id: c.user.id });

/** A page of `limit` from up to `limit + 1` items: the one more says there is a next page. */
function pageOf<T>(items: T[], limit: number, start: (item: T) => { at: number; id: string }): Page<T> {
  const more = items.length > limit;
  const shown = more ? items.slice(0, limit) : items;
  return { items: shown, nextCursor: more ? cursorOf(start(shown[shown.length - 1]!)) : null };
}
