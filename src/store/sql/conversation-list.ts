// Each user's conversation list on drizzle (docs/protocol.md "The conversation list, per user"):
// settings, clears and hidden entries, and the list itself, which reads the counters that
// list-counters.ts keeps (one row per conversation, whatever the size of the logs).
import { and, desc, eq, sql } from "drizzle-orm";
import type { ConversationListStore, ListFilter, SettingsChanges } from "../../core/store/conversation-list.ts";
import type { ConversationSettings, UnreadTotals } from "../../schema/conversation-list.ts";
import type { ConversationSummary } from "../../schema/conversations.ts";
import { conversationLists, conversations, hiddenEntries, members, messages } from "../schema.ts";
import type { SqlDb } from "./db.ts";
import { advance, counted, ensureRow, hiddenBy, lastSeqOf } from "./list-counters.ts";
import { toMessage } from "./message-log.ts";

const settingsColumns = {
  pinned: sql<number>`coalesce(${conversationLists.pinned}, 0)`,
  mutedUntil: conversationLists.mutedUntil,
  archived: sql<number>`coalesce(${conversationLists.archived}, 0)`,
  hidden: sql<number>`coalesce(${conversationLists.hidden}, 0)`,
  clearedSeq: sql<number>`coalesce(${conversationLists.clearedSeq}, 0)`,
  unread: sql<number>`coalesce(${conversationLists.unread}, 0)`,
  mentions: sql<number>`coalesce(${conversationLists.mentions}, 0)`,
};
type SettingsRow = { [K in keyof typeof settingsColumns]: number | null } & { readSeq: number };

const toSettings = (conv: string, r: SettingsRow): ConversationSettings => ({
  conv,
  pinned: Number(r.pinned) === 1,
  mutedUntil: r.mutedUntil === null ? null : Number(r.mutedUntil),
  archived: Number(r.archived) === 1,
  hidden: Number(r.hidden) === 1,
  clearedSeq: Number(r.clearedSeq),
  readSeq: Number(r.readSeq),
  unread: Number(r.unread),
  mentions: Number(r.mentions),
});

export class SqlConversationListStore implements ConversationListStore {
  constructor(private readonly db: SqlDb) {}

  async list(userId: string, filter: ListFilter): Promise<ConversationSummary[]> {
    const { archived, unread, hidden } = filter;
    const cleared = sql`coalesce(${conversationLists.clearedSeq}, 0)`;
    const rows = await this.db
      .select({ conv: conversations, readSeq: members.readSeq, ...settingsColumns, last: messages })
      .from(members)
      .innerJoin(conversations, eq(conversations.id, members.convId))
      .leftJoin(conversationLists, and(eq(conversationLists.userId, members.userId), eq(conversationLists.convId, members.convId)))
      // the last entry, unless the user cleared or hid it
      .leftJoin(
        messages,
        and(
          eq(messages.convId, conversations.id),
          eq(messages.seq, conversations.lastSeq),
          sql`${messages.seq} > ${cleared}`,
          sql`NOT ${hiddenBy(userId, sql`${messages.convId}`, sql`${messages.seq}`)}`,
        ),
      )
      .where(
        and(
          eq(members.userId, userId),
          archived === undefined ? undefined : sql`${settingsColumns.archived} = ${Number(archived)}`,
          hidden === undefined ? undefined : sql`${settingsColumns.hidden} = ${Number(hidden)}`,
          unread === undefined ? undefined : unread ? sql`${settingsColumns.unread} > 0` : sql`${settingsColumns.unread} = 0`,
        ),
      )
      .orderBy(desc(settingsColumns.pinned), desc(conversations.lastActivityAt), desc(conversations.id));
    return rows.map((r) => {
      const { conv: _, unread, ...settings } = toSettings(r.conv.id, r);
      return {
        id: r.conv.id,
        kind: r.conv.kind,
        title: r.conv.title,
        lastSeq: r.conv.lastSeq,
        unread,
        lastMessage: r.last ? toMessage(r.last, {}) : null,
        ...settings,
      };
    });
  }

  async settings(userId: string, convId: string): Promise<ConversationSettings> {
    const [row] = await this.#settings(userId, convId);
    return toSettings(convId, row!);
  }

  #settings(userId: string, convId: string) {
    return this.db
      .select({ readSeq: members.readSeq, ...settingsColumns })
      .from(members)
      .leftJoin(conversationLists, and(eq(conversationLists.userId, members.userId), eq(conversationLists.convId, members.convId)))
      .where(and(eq(members.userId, userId), eq(members.convId, convId)));
  }

  async updateSettings(userId: string, convId: string, changes: SettingsChanges): Promise<ConversationSettings> {
    const set = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const [, rows] = (await this.db.batch([
      this.db
        .insert(conversationLists)
        .values({ userId, convId, countedFrom: sql`coalesce(${lastSeqOf(convId)}, 0)`, ...set })
        .onConflictDoUpdate({ target: [conversationLists.userId, conversationLists.convId], set }),
      this.#settings(userId, convId),
    ])) as [unknown, SettingsRow[]];
    return toSettings(convId, rows[0]!);
  }

  async clear(userId: string, convId: string, seq: number): Promise<ConversationSettings | null> {
    const within = sql`${seq} <= coalesce(${lastSeqOf(convId)}, 0)`;
    const [, , , , rows, [last]] = (await this.db.batch([
      ensureRow(this.db, userId, convId, within),
      // for the counters a clear is a read: none of the entries it clears counts any more
      advance(this.db, userId, convId, sql`${seq}`, within),
      this.db.run(sql`UPDATE ${conversationLists} SET cleared_seq = max(cleared_seq, ${seq})
        WHERE user_id = ${userId} AND conv_id = ${convId} AND ${within}`),
      // hidden entries it cleared need no row of their own any more
      this.db.run(sql`DELETE FROM ${hiddenEntries} WHERE user_id = ${userId} AND conv_id = ${convId} AND seq <= ${seq} AND ${within}`),
      this.#settings(userId, convId),
      this.db.all<{ ok: number }>(sql`SELECT ${within} AS ok`),
    ])) as [unknown, unknown, unknown, unknown, SettingsRow[], { ok: number }[]];
    return Number(last?.ok) === 1 ? toSettings(convId, rows[0]!) : null;
  }

  async hide(userId: string, convId: string, seq: number, max: number): Promise<{ settings: ConversationSettings; outcome: "hidden" | "full" | "missing" }> {
    const row = sql`(SELECT cl.cleared_seq FROM ${conversationLists} cl WHERE cl.user_id = ${userId} AND cl.conv_id = ${convId})`;
    const exists = sql`${seq} <= coalesce(${lastSeqOf(convId)}, 0)`;
    const room = sql`(SELECT count(*) FROM ${hiddenEntries} h WHERE h.user_id = ${userId} AND h.conv_id = ${convId}) < ${max}`;
    const stored = hiddenBy(userId, convId, sql`${seq}`);
    const [, , , rows, [state]] = (await this.db.batch([
      ensureRow(this.db, userId, convId, exists),
      this.db.run(sql`UPDATE ${conversationLists}
        SET unread = unread - ${counted(userId, convId, sql`${seq - 1}`, sql`${seq}`, false)},
          mentions = mentions - ${counted(userId, convId, sql`${seq - 1}`, sql`${seq}`, true)}
        WHERE user_id = ${userId} AND conv_id = ${convId} AND ${seq} > counted_from AND ${room}`),
      this.db.run(sql`INSERT INTO ${hiddenEntries} (user_id, conv_id, seq)
        SELECT ${userId}, ${convId}, ${seq} WHERE ${seq} > ${row} AND ${exists} AND ${room} ON CONFLICT DO NOTHING`),
      this.#settings(userId, convId),
      this.db.all<{ exists: number; gone: number }>(sql`SELECT ${exists} AS "exists", ${seq} <= ${row} OR ${stored} AS gone`),
    ])) as [unknown, unknown, unknown, SettingsRow[], { exists: number; gone: number }[]];
    const outcome = Number(state?.exists) !== 1 ? "missing" : Number(state?.gone) === 1 ? "hidden" : "full";
    return { settings: toSettings(convId, rows[0]!), outcome };
  }

  async unreadTotals(userId: string, now: number): Promise<UnreadTotals> {
    const [row] = await this.db
      .select({ total: sql<number>`coalesce(sum(${conversationLists.unread}), 0)`, conversations: sql<number>`count(*)` })
      .from(conversationLists)
      .where(
        and(
          eq(conversationLists.userId, userId),
          sql`${conversationLists.unread} > 0 AND ${conversationLists.archived} = 0 AND ${conversationLists.hidden} = 0`,
          sql`(${conversationLists.mutedUntil} IS NULL OR ${conversationLists.mutedUntil} <= ${now})`,
        ),
      );
    return { total: Number(row?.total ?? 0), conversations: Number(row?.conversations ?? 0) };
  }
}

