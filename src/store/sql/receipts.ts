// Delivered/read receipts on drizzle: markers on each member's row that never move back nor past
// the conversation's last message.
import { and, asc, eq, sql } from "drizzle-orm";
import type { ReceiptStore } from "../../core/store/receipts.ts";
import type { ReceiptState } from "../../schema/conversations.ts";
import { conversations, members } from "../schema.ts";
import { readCounters, unreadOf } from "./list-counters.ts";
import type { SqlDb } from "./db.ts";

export class SqlReceiptStore implements ReceiptStore {
  constructor(private readonly db: SqlDb) {}

  async markRead(convId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }> {
    const lastSeq = sql`(SELECT last_seq FROM ${conversations} WHERE id = ${convId})`;
    const [, , [row]] = (await this.db.batch([
      // the counters first: they count from where the marker stood
      readCounters(this.db, userId, convId, seq),
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
          unread: unreadOf(userId, convId),
        })
        .from(members)
        .where(and(eq(members.convId, convId), eq(members.userId, userId))),
    ])) as [unknown, unknown, { readSeq: number; unread: number }[]];
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
