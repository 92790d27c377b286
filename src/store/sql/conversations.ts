// The conversation directory on drizzle: conversations, their members and roles, each member's
// list. Every multi-statement write is one `batch`, i.e. one transaction.
import { and, asc, desc, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { ConversationStore } from "../../core/store/conversations.ts";
import type { Conversation, ConversationSummary, Role } from "../../schema/conversations.ts";
import { conversations, members, messages } from "../schema.ts";
import { batchOf, chunks, jsonChunks, type SqlDb } from "./db.ts";
import { toMessage } from "./message-log.ts";

/** bound parameters per row of a multi-row `members` insert (one per column) */
const MEMBER_PARAMS = Object.keys(getTableColumns(members)).length;

export class SqlConversationStore implements ConversationStore {
  constructor(
    private readonly db: SqlDb,
    private readonly maxParams: number,
  ) {}

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
        ...chunks(list, Math.max(1, Math.floor(this.maxParams / MEMBER_PARAMS))).map((part) =>
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

  async memberOf(userId: string, convIds: string[]): Promise<string[]> {
    const found: string[] = [];
    for (const part of jsonChunks(convIds.map((id) => [id]))) {
      const rows = await this.db
        .select({ convId: members.convId })
        .from(members)
        .where(and(eq(members.userId, userId), sql`${members.convId} IN (SELECT value ->> 0 FROM json_each(${part}))`));
      found.push(...rows.map((r) => r.convId));
    }
    return found;
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
}
