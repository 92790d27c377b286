// Contacts on drizzle: friend requests, friendships (a row per side), blocks. The writes that
// depend on what stands between two users check it inside the same statement or batch (one
// transaction), so two concurrent requests cannot both get past the check.
import { and, desc, eq, lt, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { ContactStore, ListPage, PairState } from "../../core/store/contacts.ts";
import type { Contact, FriendRequest, FriendRequestStatus } from "../../schema/contacts.ts";
import { blocks, conversations, friendRequests, friendships, members, users } from "../schema.ts";
import { jsonChunks, type SqlDb } from "./db.ts";

type RequestRow = typeof friendRequests.$inferSelect;
const toRequest = (r: RequestRow): FriendRequest => ({ id: r.id, from: r.fromId, to: r.toId, note: r.note, status: r.status, createdAt: r.createdAt });

const between = (a: string, b: string) => sql`(${blocks.blockerId} = ${a} AND ${blocks.blockedId} = ${b}) OR (${blocks.blockerId} = ${b} AND ${blocks.blockedId} = ${a})`;
const blockedBetween = (a: SQLiteColumn | string, b: SQLiteColumn | string) =>
  sql`EXISTS (SELECT 1 FROM ${blocks} b WHERE (b.blocker_id = ${a} AND b.blocked_id = ${b}) OR (b.blocker_id = ${b} AND b.blocked_id = ${a}))`;
const requestsBetween = (a: string, b: string) =>
  or(and(eq(friendRequests.fromId, a), eq(friendRequests.toId, b)), and(eq(friendRequests.fromId, b), eq(friendRequests.toId, a)));
const friendshipRows = (a: string, b: string) =>
  or(and(eq(friendships.userId, a), eq(friendships.friendId, b)), and(eq(friendships.userId, b), eq(friendships.friendId, a)));
const pending = eq(friendRequests.status, "pending");

/** Newest first from the page's start: (at, id) below the last one handed out. */
const pageAfter = (page: ListPage, at: SQLiteColumn, id: SQLiteColumn) =>
  page.after ? or(lt(at, page.after.at), and(eq(at, page.after.at), lt(id, page.after.id))) : undefined;

export class SqlContactStore implements ContactStore {
  constructor(private readonly db: SqlDb) {}

  async pair(a: string, b: string): Promise<PairState> {
    const [blocked, friends, requests, [sent]] = (await this.db.batch([
      this.db.select({ one: sql`1` }).from(blocks).where(between(a, b)).limit(1),
      this.db.select({ one: sql`1` }).from(friendships).where(and(eq(friendships.userId, a), eq(friendships.friendId, b))),
      this.db.select().from(friendRequests).where(and(requestsBetween(a, b), pending)),
      this.db.select({ n: sql<number>`count(*)` }).from(friendRequests).where(and(eq(friendRequests.fromId, a), pending)),
    ])) as [unknown[], unknown[], RequestRow[], { n: number }[]];
    const find = (from: string) => requests.find((r) => r.fromId === from);
    const [outgoing, incoming] = [find(a), find(b)];
    return {
      blocked: blocked.length > 0,
      friends: friends.length > 0,
      outgoing: outgoing ? toRequest(outgoing) : null,
      incoming: incoming ? toRequest(incoming) : null,
      pendingSent: Number(sent?.n ?? 0),
    };
  }

  async insertRequest(r: FriendRequest, maxPending: number): Promise<boolean> {
    const inserted = await this.db
      .insert(friendRequests) // (id, from_id, to_id, note, status, created_at)
      .select(
        sql`SELECT ${r.id}, ${r.from}, ${r.to}, ${r.note}, 'pending', ${r.createdAt}
          WHERE NOT ${blockedBetween(r.from, r.to)}
            AND NOT EXISTS (SELECT 1 FROM ${friendships} f WHERE f.user_id = ${r.from} AND f.friend_id = ${r.to})
            AND NOT EXISTS (SELECT 1 FROM ${friendRequests} q WHERE q.from_id = ${r.to} AND q.to_id = ${r.from} AND q.status = 'pending')
            AND (SELECT count(*) FROM ${friendRequests} q WHERE q.from_id = ${r.from} AND q.status = 'pending') < ${maxPending}`,
      )
      // the pair's earlier request, if settled, makes way; a pending one stays (and nothing is inserted)
      .onConflictDoUpdate({
        target: [friendRequests.fromId, friendRequests.toId],
        set: { id: sql`excluded.id`, note: sql`excluded.note`, status: sql`excluded.status`, createdAt: sql`excluded.created_at` },
        setWhere: sql`${friendRequests.status} <> 'pending'`,
      })
      .returning({ id: friendRequests.id });
    return inserted.length === 1;
  }

  async request(id: string): Promise<FriendRequest | null> {
    const row = await this.db.select().from(friendRequests).where(eq(friendRequests.id, id)).get();
    return row ? toRequest(row) : null;
  }

  async settleRequest(id: string, status: Exclude<FriendRequestStatus, "pending">, at: number): Promise<FriendRequest | null> {
    const stillPending = and(eq(friendRequests.id, id), pending);
    // friends first, while the request is still pending in this transaction; then settle it
    const befriend = (user: SQL, friend: SQL) =>
      this.db
        .insert(friendships) // (user_id, friend_id, since)
        .select(sql`SELECT ${user}, ${friend}, ${at} FROM ${friendRequests} WHERE ${stillPending}`)
        .onConflictDoNothing();
    const settle = this.db.update(friendRequests).set({ status }).where(stillPending).returning();
    const results = await this.db.batch(
      status === "accepted"
        ? [befriend(sql.raw("from_id"), sql.raw("to_id")), befriend(sql.raw("to_id"), sql.raw("from_id")), settle]
        : [settle],
    );
    const [row] = results[results.length - 1] as RequestRow[];
    return row ? toRequest(row) : null;
  }

  async pendingRequests(userId: string, direction: "in" | "out", page: ListPage): Promise<FriendRequest[]> {
    const party = direction === "in" ? friendRequests.toId : friendRequests.fromId;
    const rows = await this.db
      .select()
      .from(friendRequests)
      .where(and(eq(party, userId), pending, pageAfter(page, friendRequests.createdAt, friendRequests.id)))
      .orderBy(desc(friendRequests.createdAt), desc(friendRequests.id))
      .limit(page.limit);
    return rows.map(toRequest);
  }

  friends(userId: string, page: ListPage): Promise<Contact[]> {
    return this.#contacts(friendships, friendships.userId, friendships.friendId, friendships.since, userId, page);
  }

  async unfriend(a: string, b: string): Promise<boolean> {
    const removed = await this.db.delete(friendships).where(friendshipRows(a, b)).returning({ userId: friendships.userId });
    return removed.length > 0;
  }

  async block(blocker: string, blocked: string, at: number) {
    const [inserted, unfriended, closed, [row]] = (await this.db.batch([
      this.db.insert(blocks).values({ blockerId: blocker, blockedId: blocked, createdAt: at }).onConflictDoNothing().returning({ since: blocks.createdAt }),
      this.db.delete(friendships).where(friendshipRows(blocker, blocked)).returning({ userId: friendships.userId }),
      this.db
        .update(friendRequests)
        .set({ status: sql`CASE WHEN ${friendRequests.fromId} = ${blocker} THEN 'cancelled' ELSE 'rejected' END` })
        .where(and(requestsBetween(blocker, blocked), pending))
        .returning(),
      this.db
        .select({ since: blocks.createdAt })
        .from(blocks)
        .where(and(eq(blocks.blockerId, blocker), eq(blocks.blockedId, blocked))),
    ])) as [unknown[], unknown[], RequestRow[], { since: number }[]];
    return { since: row!.since, created: inserted.length > 0, unfriended: unfriended.length > 0, closed: closed.map(toRequest) };
  }

  async unblock(blocker: string, blocked: string): Promise<boolean> {
    const removed = await this.db
      .delete(blocks)
      .where(and(eq(blocks.blockerId, blocker), eq(blocks.blockedId, blocked)))
      .returning({ since: blocks.createdAt });
    return removed.length > 0;
  }

  blocks(blocker: string, page: ListPage): Promise<Contact[]> {
    return this.#contacts(blocks, blocks.blockerId, blocks.blockedId, blocks.createdAt, blocker, page);
  }

  async blockedAmong(userId: string, others: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of jsonChunks(others.map((id) => [id]))) {
      const ids = sql`(SELECT value ->> 0 FROM json_each(${part}))`;
      const rows = await this.db.all<{ id: string }>(
        sql`SELECT blocked_id AS id FROM ${blocks} WHERE blocker_id = ${userId} AND blocked_id IN ${ids}
          UNION SELECT blocker_id FROM ${blocks} WHERE blocked_id = ${userId} AND blocker_id IN ${ids}`,
      );
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }

  async directConversation(directKey: string): Promise<string | null> {
    const row = await this.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.directKey, directKey)).get();
    return row?.id ?? null;
  }

  async directPeer(userId: string, convId: string) {
    const [row] = await this.db
      .select({
        other: members.userId,
        blocked: sql<number>`${blockedBetween(userId, members.userId)}`,
        friends: sql<number>`EXISTS (SELECT 1 FROM ${friendships} f WHERE f.user_id = ${userId} AND f.friend_id = ${members.userId})`,
      })
      .from(conversations)
      .innerJoin(members, and(eq(members.convId, conversations.id), sql`${members.userId} <> ${userId}`))
      .where(and(eq(conversations.id, convId), eq(conversations.kind, "direct")));
    return row ? { other: row.other, blocked: Boolean(row.blocked), friends: Boolean(row.friends) } : null;
  }

  /** A page of a user's friends or blocks: the other users with the time of the row, newest first. */
  async #contacts(
    table: typeof friendships | typeof blocks,
    owner: SQLiteColumn,
    other: SQLiteColumn,
    at: SQLiteColumn,
    userId: string,
    page: ListPage,
  ): Promise<Contact[]> {
    const rows = await this.db
      .select({ id: users.id, username: users.username, displayName: users.displayName, since: sql<number>`${at}` })
      .from(table)
      .innerJoin(users, eq(users.id, other))
      .where(and(eq(owner, userId), pageAfter(page, at, other)))
      .orderBy(desc(at), desc(other))
      .limit(page.limit);
    return rows.map(({ since, ...user }) => ({ user, since: Number(since) }));
  }
}
