// The full-text index on SQLite FTS5: `search_index` holds the words (core/search-text.ts prepares
// them), `search_rows` which entry each row is, `search_positions` how far each log is indexed.
// Who may read a hit is decided here with the roster's rule, as history pages do: a member reads
// from its join (or everything, where `history` is all) up to its removal.
import { and, asc, eq, getTableColumns, gt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { indexedText, searchableText } from "../../core/search-text.ts";
import type { SearchCursor, SearchFilters, SearchStore } from "../../core/store/search.ts";
import type { EntryBody } from "../../schema/entries.ts";
import type { Message } from "../../schema/messages.ts";
import { conversations, members, messages, searchPositions, searchRows } from "../schema.ts";
import { notClearedNorHidden } from "./list-counters.ts";
import { batchOf, type SqlDb } from "./db.ts";
import { toMessage } from "./message-log.ts";

/** Bodies indexed per step of the indexer, at most (but one entry always). */
const BATCH_BYTES = 256 * 1024;

export class SqlSearchStore implements SearchStore {
  constructor(private readonly db: SqlDb) {}

  async behind(limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ conv: conversations.id })
      .from(conversations)
      .leftJoin(searchPositions, eq(searchPositions.convId, conversations.id))
      .where(sql`${conversations.lastSeq} > coalesce(${searchPositions.seq}, 0)`)
      .limit(limit);
    return rows.map((r) => r.conv);
  }

  async catchUp(conv: string, limit: number): Promise<{ more: boolean }> {
    const position = sql`coalesce((SELECT seq FROM ${searchPositions} WHERE conv_id = ${conv}), 0)`;
    // At most `limit` entries and BATCH_BYTES of bodies (at least one entry): a step of the
    // indexer holds the event loop for a bounded time, however large the messages.
    const size = sql<number>`length(CAST(${messages.body} AS BLOB))`;
    const next = this.db
      .select({
        ...getTableColumns(messages),
        size: size.as("size"),
        running: sql<number>`sum(${size}) OVER (ORDER BY ${messages.seq})`.as("running"),
      })
      .from(messages)
      .where(and(eq(messages.convId, conv), gt(messages.seq, position)))
      .orderBy(asc(messages.seq))
      .limit(limit + 1)
      .as("next");
    // only the rows of this step reach this process, and the one after it (more)
    const rows = await this.db
      .select()
      .from(next)
      .where(sql`${next.running} - ${next.size} < ${BATCH_BYTES}`)
      .orderBy(asc(next.seq));
    let n = 0;
    while (n < Math.min(rows.length, limit) && (n === 0 || rows[n]!.running <= BATCH_BYTES)) n++;
    const more = rows.length > n;
    const entries = rows.slice(0, n);
    if (entries.length === 0) return { more: false };
    const statements: BatchItem<"sqlite">[] = [];
    for (const entry of entries) {
      const body = JSON.parse(entry.body) as EntryBody;
      const text = entry.editedText ?? searchableText(body);
      if (text !== undefined) statements.push(...this.#put(conv, entry.seq, entry.senderId, entry.ts, text));
      if (body.type === "edit" && body.text !== undefined) statements.push(...this.#replace(conv, body.target, body.text));
      if (body.type === "recall") statements.push(...this.#remove(conv, body.target));
    }
    const reached = entries.at(-1)!.seq;
    statements.push(
      this.db.insert(searchPositions).values({ convId: conv, seq: reached }).onConflictDoUpdate({ target: searchPositions.convId, set: { seq: reached } }),
    );
    await this.db.batch(batchOf(statements));
    return { more };
  }

  async search(viewer: string, match: string, filters: SearchFilters, cursor: SearchCursor | null, limit: number) {
    const rows = await this.db.all<{ conv_id: string; seq: number }>(sql`
      SELECT r.conv_id, r.seq FROM search_index f
        JOIN ${searchRows} r ON r.id = f.rowid
        JOIN ${members} m ON m.conv_id = r.conv_id AND m.user_id = ${viewer}
        JOIN ${conversations} c ON c.id = r.conv_id
      WHERE search_index MATCH ${match}
        AND r.seq >= (CASE WHEN c.history = 'all' THEN 1 ELSE m.joined_seq END)
        AND (m.removed_seq IS NULL OR r.seq <= m.removed_seq)
        AND ${notClearedNorHidden(viewer, sql`r.conv_id`, sql`r.seq`)}
        ${filters.conv === undefined ? sql`` : sql`AND r.conv_id = ${filters.conv}`}
        ${filters.from === undefined ? sql`` : sql`AND r.sender_id = ${filters.from}`}
        ${filters.after === undefined ? sql`` : sql`AND r.ts > ${filters.after}`}
        ${filters.before === undefined ? sql`` : sql`AND r.ts < ${filters.before}`}
        ${cursor === null ? sql`` : sql`AND (r.ts, r.conv_id, r.seq) < (${cursor.ts}, ${cursor.conv}, ${cursor.seq})`}
      ORDER BY r.ts DESC, r.conv_id DESC, r.seq DESC
      LIMIT ${limit}`);
    if (rows.length === 0) return [];
    const entries = await this.db
      .select()
      .from(messages)
      .where(sql`(${messages.convId}, ${messages.seq}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${JSON.stringify(rows.map((r) => [r.conv_id, Number(r.seq)]))}))`);
    const byKey = new Map(entries.map((e) => [`${e.convId}\n${e.seq}`, e]));
    return rows.flatMap((r) => {
      const entry = byKey.get(`${r.conv_id}\n${r.seq}`);
      // recalled since it was indexed (the index catches up): never a hit
      if (!entry || entry.recalled) return [];
      const message: Message = toMessage(entry, {});
      const text = message.edited?.text ?? searchableText(message.body) ?? "";
      return [{ message, text }];
    });
  }

  /** Indexes one text entry (again, if it was: its row is replaced). */
  #put(conv: string, seq: number, sender: string, ts: number, text: string): BatchItem<"sqlite">[] {
    const { body, uni } = indexedText(text);
    return [
      ...this.#remove(conv, seq),
      this.db.insert(searchRows).values({ convId: conv, seq, senderId: sender, ts }),
      this.db.run(sql`INSERT INTO search_index (rowid, body, uni)
        SELECT id, ${body}, ${uni} FROM ${searchRows} WHERE conv_id = ${conv} AND seq = ${seq}`),
    ];
  }

  /** An edit: the target's words become the new text's (if the target is indexed). */
  #replace(conv: string, seq: number, text: string): BatchItem<"sqlite">[] {
    const { body, uni } = indexedText(text);
    const row = sql`(SELECT id FROM ${searchRows} WHERE conv_id = ${conv} AND seq = ${seq})`;
    return [
      this.db.run(sql`DELETE FROM search_index WHERE rowid = ${row}`),
      this.db.run(sql`INSERT INTO search_index (rowid, body, uni) SELECT ${row}, ${body}, ${uni} WHERE ${row} IS NOT NULL`),
    ];
  }

  #remove(conv: string, seq: number): BatchItem<"sqlite">[] {
    const row = sql`(SELECT id FROM ${searchRows} WHERE conv_id = ${conv} AND seq = ${seq})`;
    return [
      this.db.run(sql`DELETE FROM search_index WHERE rowid = ${row}`),
      this.db.delete(searchRows).where(and(eq(searchRows.convId, conv), eq(searchRows.seq, seq))),
    ];
  }
}
