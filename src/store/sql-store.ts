// The Store port on drizzle-orm over SQLite-family databases (libSQL on Bun, D1 on Workers).
// Every multi-statement write is one drizzle `batch`, i.e. one transaction.
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { NewMessage, RefreshOutcome, Store, UserRecord } from "../core/ports.ts";
import type { Conversation, ConversationSummary, ReceiptState, Role } from "../schema/conversations.ts";
import type { Message, MessageBody, MessagePage } from "../schema/messages.ts";
import { conversations, members, messages, refreshTokens, schema, logins, users } from "./schema.ts";

/** A drizzle SQLite database that can run a batch atomically (libSQL and D1 both can). */
export type SqlDb = BaseSQLiteDatabase<"async", unknown, typeof schema> & {
  batch(items: readonly [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]): Promise<unknown[]>;
};

type MessageRow = typeof messages.$inferSelect;
const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conv: r.convId,
  seq: r.seq,
  sender: r.senderId,
  ts: r.ts,
  clientId: r.clientId,
  body: JSON.parse(r.body) as MessageBody,
});

// SQLite accepts at most 32,766 bound parameters per statement; D1 (and Durable Object SQLite)
// only 100. Multi-row statements are cut so that rows × params-per-row stays within the budget.
const DEFAULT_MAX_PARAMS = 3000;
const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
/**
 * Rows as JSON arrays for json_each(?), cut so one parameter stays far below D1's 2 MB limit
 * on a string (a row is at most one message body of 16,000 characters, escaped).
 */
const MAX_JSON_CHARS = 500_000;
function jsonChunks(rows: unknown[][]): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (part.length > 0 && size + json.length > MAX_JSON_CHARS) {
      out.push(`[${part.join(",")}]`);
      part = [];
      size = 0;
    }
    part.push(json);
    size += json.length + 1;
  }
  if (part.length > 0) out.push(`[${part.join(",")}]`);
  return out;
}
/** bound parameters per row of a multi-row `members` insert (one per column) */
const MEMBER_PARAMS = Object.keys(getTableColumns(members)).length;

export interface SqlStoreOptions {
  /** most bound parameters one statement may carry (D1: 100) */
  maxParams?: number;
}

const batchOf = (items: BatchItem<"sqlite">[]) => items as unknown as readonly [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

export class SqlStore implements Store {
  readonly #maxParams: number;

  constructor(
    private readonly db: SqlDb,
    options: SqlStoreOptions = {},
  ) {
    this.#maxParams = options.maxParams ?? DEFAULT_MAX_PARAMS;
  }

  // ---- users -------------------------------------------------------------------------------

  async createUser(user: UserRecord): Promise<boolean> {
    const inserted = await this.db.insert(users).values(user).onConflictDoNothing().returning({ id: users.id });
    return inserted.length === 1;
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    return (await this.db.select().from(users).where(eq(users.username, username)).get()) ?? null;
  }

  async userById(id: string): Promise<UserRecord | null> {
    return (await this.db.select().from(users).where(eq(users.id, id)).get()) ?? null;
  }

  async setPasswordHash(userId: string, hash: string): Promise<void> {
    await this.db.update(users).set({ passwordHash: hash }).where(eq(users.id, userId));
  }

  searchUsers(prefix: string, limit: number): Promise<UserRecord[]> {
    // A range on the unique index instead of LIKE, so `_` and `%` in names are literal.
    return this.db
      .select()
      .from(users)
      .where(and(gte(users.username, prefix), lt(users.username, `${prefix}\uffff`)))
      .orderBy(asc(users.username))
      .limit(limit)
      .all();
  }

  // ---- logins ------------------------------------------------------------------------------

  async createLogin(login: { id: string; userId: string; createdAt: number }, refresh: { hash: string; expiresAt: number }): Promise<void> {
    await this.db.batch([
      this.db.insert(logins).values(login),
      this.db.insert(refreshTokens).values({ tokenHash: refresh.hash, loginId: login.id, expiresAt: refresh.expiresAt }),
    ]);
  }

  async rotateRefreshToken(
    oldHash: string,
    next: { hash: string; expiresAt: number },
    now: number,
  ): Promise<{ outcome: RefreshOutcome; loginId?: string; userId?: string }> {
    const row = await this.db
      .select({ token: refreshTokens, userId: logins.userId, revokedAt: logins.revokedAt })
      .from(refreshTokens)
      .innerJoin(logins, eq(logins.id, refreshTokens.loginId))
      .where(eq(refreshTokens.tokenHash, oldHash))
      .get();
    if (!row) return { outcome: "unknown" };
    const { loginId } = row.token;
    if (row.revokedAt !== null) return { outcome: "revoked", loginId };
    if (row.token.usedAt !== null) {
      await this.revokeLogin(loginId, now);
      return { outcome: "reused", loginId, userId: row.userId };
    }
    if (row.token.expiresAt <= now) return { outcome: "expired", loginId };
    const [spent] = (await this.db.batch([
      this.db
        .update(refreshTokens)
        .set({ usedAt: now })
        .where(and(eq(refreshTokens.tokenHash, oldHash), sql`${refreshTokens.usedAt} IS NULL`))
        .returning({ hash: refreshTokens.tokenHash }),
      this.db.insert(refreshTokens).values({ tokenHash: next.hash, loginId, expiresAt: next.expiresAt }),
    ])) as [unknown[]];
    if (spent.length === 0) {
      // Another request spent it between our read and write: the token was used twice.
      await this.revokeLogin(loginId, now);
      return { outcome: "reused", loginId, userId: row.userId };
    }
    return { outcome: "rotated", loginId, userId: row.userId };
  }

  async revokeLogin(loginId: string, now: number): Promise<void> {
    await this.db
      .update(logins)
      .set({ revokedAt: now })
      .where(and(eq(logins.id, loginId), sql`${logins.revokedAt} IS NULL`));
  }

  async isLoginActive(loginId: string): Promise<boolean> {
    const row = await this.db.select({ revokedAt: logins.revokedAt }).from(logins).where(eq(logins.id, loginId)).get();
    return row !== undefined && row.revokedAt === null;
  }

  // ---- conversations -----------------------------------------------------------------------

  async createDirect(conv: { id: string; directKey: string; createdAt: number }, userIds: [string, string]) {
    // Conflict on the unique direct_key means the pair already has one: both racers end on it.
    const [, , , existing] = (await this.db.batch([
      this.db
        .insert(conversations)
        .values({ id: conv.id, kind: "direct", directKey: conv.directKey, createdAt: conv.createdAt, lastActivityAt: conv.createdAt })
        .onConflictDoNothing(),
      ...userIds.map((userId) =>
        this.db
          .insert(members) // (conv_id, user_id, role, read_seq, delivered_seq, joined_at)
          .select(sql`SELECT ${conversations.id}, ${userId}, 'member', 0, 0, ${conv.createdAt} FROM ${conversations}
            WHERE ${conversations.directKey} = ${conv.directKey}`)
          .onConflictDoNothing(),
      ),
      this.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.directKey, conv.directKey)),
    ])) as [unknown, unknown, unknown, { id: string }[]];
    const id = existing[0]!.id;
    return { id, created: id === conv.id };
  }

  async createGroup(conv: { id: string; title: string; createdAt: number }, list: { userId: string; role: Role }[]): Promise<void> {
    await this.db.batch(
      batchOf([
        this.db
          .insert(conversations)
          .values({ id: conv.id, kind: "group", title: conv.title, createdAt: conv.createdAt, lastActivityAt: conv.createdAt }),
        ...chunks(list, Math.max(1, Math.floor(this.#maxParams / MEMBER_PARAMS))).map((part) =>
          this.db.insert(members).values(part.map((m) => ({ convId: conv.id, userId: m.userId, role: m.role, joinedAt: conv.createdAt }))),
        ),
      ]),
    );
  }

  async conversation(id: string): Promise<Conversation | null> {
    const [conv, memberRows] = (await this.db.batch([
      this.db.select().from(conversations).where(eq(conversations.id, id)),
      this.db.select({ userId: members.userId, role: members.role }).from(members).where(eq(members.convId, id)).orderBy(asc(members.joinedAt)),
    ])) as [(typeof conversations.$inferSelect)[], { userId: string; role: Role }[]];
    const c = conv[0];
    if (!c) return null;
    return { id: c.id, kind: c.kind, title: c.title, members: memberRows, lastSeq: c.lastSeq, createdAt: c.createdAt };
  }

  async role(convId: string, userId: string): Promise<Role | null> {
    const row = await this.db
      .select({ role: members.role })
      .from(members)
      .where(and(eq(members.convId, convId), eq(members.userId, userId)))
      .get();
    return row?.role ?? null;
  }

  async memberIds(convId: string): Promise<string[]> {
    const rows = await this.db.select({ userId: members.userId }).from(members).where(eq(members.convId, convId));
    return rows.map((r) => r.userId);
  }

  async listConversations(userId: string): Promise<ConversationSummary[]> {
    const rows = await this.db
      .select({
        conv: conversations,
        readSeq: members.readSeq,
        unread: sql<number>`(SELECT count(*) FROM ${messages} m
          WHERE m.conv_id = ${conversations.id} AND m.seq > ${members.readSeq} AND m.sender_id <> ${userId})`,
        last: messages,
      })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.convId))
      .leftJoin(messages, and(eq(messages.convId, conversations.id), eq(messages.seq, conversations.lastSeq)))
      .where(eq(members.userId, userId))
      .orderBy(desc(conversations.lastActivityAt), desc(conversations.id));
    return rows.map((r) => ({
      id: r.conv.id,
      kind: r.conv.kind,
      title: r.conv.title,
      lastSeq: r.conv.lastSeq,
      readSeq: r.readSeq,
      unread: Number(r.unread),
      lastMessage: r.last ? toMessage(r.last) : null,
    }));
  }

  async existingUserIds(ids: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of chunks(ids, this.#maxParams)) {
      const rows = await this.db.select({ id: users.id }).from(users).where(inArray(users.id, part));
      found.push(...rows.map((r) => r.id));
    }
    return found;
  }

  async contactIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ userId: members.userId })
      .from(members)
      .where(
        and(
          inArray(members.convId, this.db.select({ convId: members.convId }).from(members).where(eq(members.userId, userId))),
          sql`${members.userId} <> ${userId}`,
        ),
      );
    return rows.map((r) => r.userId);
  }

  // ---- messages ----------------------------------------------------------------------------

  async appendMessages(batch: NewMessage[]): Promise<{ message: Message; created: boolean }[]> {
    // Set-based, so a batch of any size costs a handful of statements, in ONE write transaction:
    // insert the messages whose (conv, sender, clientId) is not stored yet, numbered on from their
    // conversation's highest seq in batch order, returning the seqs taken; move last_seq up to
    // the new highest. The seq is taken under the write lock, so processes sharing the file
    // never collide. The rows travel as one JSON parameter (json_each), so the SQL text is the
    // same for every batch and D1's limit of 100 parameters does not cut batches into pieces.
    const keyOf = (m: NewMessage) => `${m.conv}\n${m.sender}\n${m.clientId}`;
    // A clientId repeated within the batch: the first one counts, as if sent one after the other.
    const first = new Map<string, NewMessage>();
    for (const m of batch) if (!first.has(keyOf(m))) first.set(keyOf(m), m);
    const firsts = [...first.values()];
    const inserts = jsonChunks(firsts.map((m) => [m.conv, m.id, m.sender, m.clientId, m.ts, JSON.stringify(m.body)])).map((rows) =>
      // (conv_id, seq, id, sender_id, client_id, ts, body); the highest seq sees earlier chunks' rows.
      // Without ON CONFLICT: a clash would fail the batch rather than leave a gap in seq.
      this.db
        .insert(messages)
        .select(sql`SELECT v.conv,
          coalesce((SELECT m.seq FROM ${messages} m WHERE m.conv_id = v.conv ORDER BY m.seq DESC LIMIT 1), 0)
            + row_number() OVER (PARTITION BY v.conv ORDER BY v.i),
          v.id, v.sender, v.client_id, v.ts, v.body
        FROM (SELECT key AS i, value ->> 0 AS conv, value ->> 1 AS id, value ->> 2 AS sender,
            value ->> 3 AS client_id, value ->> 4 AS ts, value ->> 5 AS body FROM json_each(${rows})) v
        WHERE EXISTS (SELECT 1 FROM ${conversations} c WHERE c.id = v.conv)
          AND NOT EXISTS (SELECT 1 FROM ${messages} m
            WHERE m.conv_id = v.conv AND m.sender_id = v.sender AND m.client_id = v.client_id)`)
        .returning({ id: messages.id, seq: messages.seq }),
    );
    // The conversation's newest message (by the primary key's order, one index step).
    const latest = (column: "seq" | "ts") =>
      sql`(SELECT m.${sql.raw(column)} FROM ${messages} m WHERE m.conv_id = ${conversations.id} ORDER BY m.seq DESC LIMIT 1)`;
    const advance = this.db
      .update(conversations)
      .set({ lastSeq: latest("seq"), lastActivityAt: sql`max(last_activity_at, ${latest("ts")})` })
      .where(
        and(
          sql`${conversations.id} IN (SELECT value FROM json_each(${JSON.stringify([...new Set(firsts.map((m) => m.conv))])}))`,
          sql`${latest("seq")} > last_seq`,
        ),
      );
    const results = await this.db.batch(batchOf([...inserts, advance]));
    const seqOf = new Map((results.slice(0, inserts.length) as { id: string; seq: number }[][]).flat().map((r) => [r.id, r.seq]));
    // Not inserted: sent before with that clientId (a resend), or the conversation is gone.
    // Stored messages do not change, so reading them after the commit is as good as inside it.
    const earlier = await this.#stored(firsts.filter((m) => !seqOf.has(m.id)));
    return batch.map((m) => {
      const sent = first.get(keyOf(m))!;
      const seq = seqOf.get(sent.id);
      if (seq !== undefined) {
        const { id, conv, sender, ts, clientId, body } = sent;
        // created: this very submission's row (a repeat within the batch gets the first's)
        return { message: { id, conv, seq, sender, ts, clientId, body }, created: sent === m };
      }
      const row = earlier.get(keyOf(m));
      if (!row) throw new Error(`conversation ${m.conv} vanished during send`);
      return { message: toMessage(row), created: false };
    });
  }

  /** The stored messages of these (conv, sender, clientId) keys, by key. */
  async #stored(keys: NewMessage[]): Promise<Map<string, MessageRow>> {
    const found = new Map<string, MessageRow>();
    for (const part of jsonChunks(keys.map((m) => [m.conv, m.sender, m.clientId]))) {
      const rows = await this.db
        .select()
        .from(messages)
        .where(sql`(conv_id, sender_id, client_id) IN (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(${part}))`);
      for (const r of rows) found.set(`${r.convId}\n${r.senderId}\n${r.clientId}`, r);
    }
    return found;
  }

  async history(convId: string, range: { after?: number; before?: number; limit: number }): Promise<MessagePage> {
    const { after, before, limit } = range;
    if (after !== undefined) {
      const rows = await this.db
        .select()
        .from(messages)
        .where(and(eq(messages.convId, convId), gt(messages.seq, after)))
        .orderBy(asc(messages.seq))
        .limit(limit + 1);
      return { items: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
    }
    // `before`, or neither (the newest page): walk back, then return ascending.
    const rows = await this.db
      .select()
      .from(messages)
      .where(before === undefined ? eq(messages.convId, convId) : and(eq(messages.convId, convId), lt(messages.seq, before)))
      .orderBy(desc(messages.seq))
      .limit(limit + 1);
    return { items: rows.slice(0, limit).reverse().map(toMessage), hasMore: rows.length > limit };
  }

  // ---- receipts ----------------------------------------------------------------------------

  async markRead(convId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }> {
    const lastSeq = sql`(SELECT last_seq FROM ${conversations} WHERE id = ${convId})`;
    const [, [row]] = (await this.db.batch([
      // Reading implies delivery; neither marker moves back nor past the last message.
      this.db
        .update(members)
        .set({
          readSeq: sql`max(read_seq, min(${seq}, ${lastSeq}))`,
          deliveredSeq: sql`max(delivered_seq, read_seq, min(${seq}, ${lastSeq}))`,
        })
        .where(and(eq(members.convId, convId), eq(members.userId, userId))),
      this.db
        .select({
          readSeq: members.readSeq,
          unread: sql<number>`(SELECT count(*) FROM ${messages} m
            WHERE m.conv_id = ${convId} AND m.seq > ${members.readSeq} AND m.sender_id <> ${userId})`,
        })
        .from(members)
        .where(and(eq(members.convId, convId), eq(members.userId, userId))),
    ])) as [unknown, { readSeq: number; unread: number }[]];
    return { readSeq: row?.readSeq ?? 0, unread: Number(row?.unread ?? 0) };
  }

  async markDelivered(convId: string, userId: string, seq: number): Promise<number> {
    const [row] = await this.db
      .update(members)
      .set({ deliveredSeq: sql`max(delivered_seq, min(${seq}, (SELECT last_seq FROM ${conversations} WHERE id = ${convId})))` })
      .where(and(eq(members.convId, convId), eq(members.userId, userId)))
      .returning({ deliveredSeq: members.deliveredSeq });
    return row?.deliveredSeq ?? 0;
  }

  async receipts(convId: string): Promise<ReceiptState> {
    const items = await this.db
      .select({ userId: members.userId, deliveredSeq: members.deliveredSeq, readSeq: members.readSeq })
      .from(members)
      .where(eq(members.convId, convId))
      .orderBy(asc(members.joinedAt), asc(members.userId));
    return { items };
  }
}
