// Contacts as stored: friend requests (the latest one per sender and recipient), friendships
// and blocks. Every write that depends on what stands between two users checks it in the same
// statement or transaction, so concurrent requests cannot slip past one another.
import type { Contact, FriendRequest, FriendRequestStatus, PageStart } from "../../schema/contacts.ts";

/** What stands between `a` and `b`, seen from `a`. */
export interface PairState {
  /** either has blocked the other */
  blocked: boolean;
  friends: boolean;
  /** a's pending request to b */
  outgoing: FriendRequest | null;
  /** b's pending request to a */
  incoming: FriendRequest | null;
  /** how many pending requests a has sent (to anyone) */
  pendingSent: number;
}

export interface ListPage {
  limit: number;
  after?: PageStart;
}

export interface ContactStore {
  pair(a: string, b: string): Promise<PairState>;
  /**
   * Stores a pending request unless, at that moment, the two are blocked either way or friends,
   * a request between them is pending either way, or the sender has `maxPending` pending
   * requests. false when it was not stored (pair() tells why).
   */
  insertRequest(request: FriendRequest, maxPending: number): Promise<boolean>;
  request(id: string): Promise<FriendRequest | null>;
  /**
   * Moves a pending request to `status`; `accepted` makes the two friends (since `at`). The
   * request as it is then; null when it was not pending. (A pending request never stands
   * beside a block: block() closes them, insertRequest() checks.)
   */
  settleRequest(id: string, status: Exclude<FriendRequestStatus, "pending">, at: number): Promise<FriendRequest | null>;
  /** Pending requests to (`in`) or from (`out`) the user, newest first. */
  pendingRequests(userId: string, direction: "in" | "out", page: ListPage): Promise<FriendRequest[]>;
  /** Newest first; PageStart.id is the friend's id. */
  friends(userId: string, page: ListPage): Promise<Contact[]>;
  /** false when they were not friends */
  unfriend(a: string, b: string): Promise<boolean>;
  /**
   * Blocks `blocked` (idempotent) and, in the same transaction, ends their friendship and closes
   * the requests pending between them: the blocker's as `cancelled`, the other's as `rejected`.
   */
  block(blocker: string, blocked: string, at: number): Promise<{ since: number; created: boolean; unfriended: boolean; closed: FriendRequest[] }>;
  /** false when there was no such block */
  unblock(blocker: string, blocked: string): Promise<boolean>;
  /** The users the blocker blocked, newest first; PageStart.id is the blocked user's id. */
  blocks(blocker: string, page: ListPage): Promise<Contact[]>;
  /** Those of `others` who blocked the user or whom the user blocked. */
  blockedAmong(userId: string, others: readonly string[]): Promise<string[]>;
  /** The direct conversation with this key (conversations.ts directKey), if there is one. */
  directConversation(directKey: string): Promise<string | null>;
  /** For a direct conversation of the user: the other member and what stands between them; null for any other conversation. */
  directPeer(userId: string, convId: string): Promise<{ other: string; blocked: boolean; friends: boolean } | null>;
}
