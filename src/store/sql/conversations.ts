// The conversation directory on drizzle: conversations, their members and roles. Every
// multi-statement write is one `batch`, i.e. one transaction.
import { and, asc, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { ConversationStore } from "../../core/store/conversations.ts";
import type { Conversation } from "../../schema/conversations.ts";
import type { Role } from "../../schema/roles.ts";
import { conversations, members } from "../schema.ts";
import { batchOf, chunks, jsonChunks, type SqlDb } from "./db.ts";
import type { Roster } from "../../core/roster.ts";

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
        this.db.run(sql`INSERT INTO ${members} (conv_id, user_id, role, joined_at)
          SELECT ${conversations.id}, ${userId}, 'member', ${conv.createdAt} FROM ${conversations}
          WHERE ${conversations.directKey} = ${conv.directKey} ON CONFLICT DO NOTHING`),
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
    const [conv, rows] = await this.#read(id);
    if (!conv) return null;
    const current = rows.filter((m) => m.removedSeq === null);
    return {
      id: conv.id,
      kind: conv.kind,
      title: conv.title,
      topic: conv.topic,
      avatar: conv.avatar,
      onlyAdminsSend: conv.onlyAdminsSend,
      history: conv.history,
      dissolved: conv.closedSeq !== null,
      members: current.map((m) => ({ userId: m.userId, role: m.role, mutedUntil: m.mutedUntil })),
      lastSeq: conv.lastSeq,
      createdAt: conv.createdAt,
    };
  }

  async roster(id: string): Promise<Roster | null> {
    const [conv, rows] = await this.#read(id);
    if (!conv) return null;
    const roster: Roster = {
      id,
      kind: conv.kind,
      title: conv.title,
      topic: conv.topic,
      avatar: conv.avatar,
      createdAt: conv.createdAt,
      closedSeq: conv.closedSeq,
      onlyAdminsSend: conv.onlyAdminsSend,
      history: conv.history,
      members: new Map(),
      former: new Map(),
    };
    for (const m of rows) {
      if (m.removedSeq === null) roster.members.set(m.userId, { role: m.role, joinedSeq: m.joinedSeq, mutedUntil: m.mutedUntil });
      else roster.former.set(m.userId, { joinedSeq: m.joinedSeq, removedSeq: m.removedSeq });
    }
    return roster;
  }

  /** The conversation's row and every member's, current and former, in the order they joined. */
  async #read(id: string): Promise<[typeof conversations.$inferSelect | undefined, (typeof members.$inferSelect)[]]> {
    const [convs, rows] = (await this.db.batch([
      this.db.select().from(conversations).where(eq(conversations.id, id)),
      this.db.select().from(members).where(eq(members.convId, id)).orderBy(asc(members.joinedAt), asc(members.userId)),
    ])) as [(typeof conversations.$inferSelect)[], (typeof members.$inferSelect)[]];
    return [convs[0], rows];
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

  async contactIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ userId: members.userId })
      .from(members)
      .where(
        and(
          inArray(
            members.convId,
            this.db
              .select({ convId: members.convId })
              .from(members)
              .where(and(eq(members.userId, userId), isNull(members.removedSeq))),
          ),
          isNull(members.removedSeq),
          sql`${members.userId} <> ${userId}`,
        ),
      );
    return rows.map((r) => r.userId);
  }
}
