// The full-text index on SQLite FTS5: `search_index` holds the words (core/search-text.ts prepares
// them), `search_rows` which entry each row is, `search_positions` how far each log is indexed.
// (A contentless table, content='' with contentless_delete=1, wrote about 4% less per entry but
// made a search for a word in half of 300,000 entries 3.4 times slower: 122 against 36 ms.)
// Who may read a hit is decided here with the roster's rule, as history pages do: a member reads
// from its join (or everything, where `history` is all) up to its removal.
import { eq, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { indexedText, searchableText } from "../../core/search-text.ts";
import type { SearchCursor, SearchFilters, SearchStore } from "../../core/store/search.ts";
import type { EntryBody } from "../../schema/entries.ts";
import type { Message } from "../../schema/messages.ts";
import { conversations, members, messages, searchPositions, searchRows } from "../schema.ts";
import { notClearedNorHidden } from "./list-counters.ts";
import { batchOf, type SqlDb } from "./db.ts";
import { toMessage } from "./message-log.ts";

/**
 * The rows of search_rows (and the FTS5 rowids) are numbered by time: an entry at `ts` gets
 * ts × TIES + the next free number of that millisecond. FTS5 walks a match in rowid order, so
 * "newest first" is that order (by ts, then by when it was indexed), an entry indexed late (the
 * indexer catching up) still lands at its time, and a page stops at its limit. At most TIES rows a
 * millisecond; numbers stay below 2^63 up to MAX_TS.
 */
const TIES = 1_048_576;
const MAX_TS = 2 ** 42;
/** The rowid of `ts` with `tie` (integers in SQL: a float would lose the low bits). */
const rowOf = (ts: SQL, tie: SQL | number = 0) => sql`(CAST(${ts} AS INTEGER) * ${sql.raw(String(TIES))} + CAST(${tie} AS INTEGER))`;

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

  async catchUp(convs: string[], limit: number): Promise<{ more: string[] }> {
    if (convs.length === 0) return { more: [] };
    // Which entries: each conversation's from its indexed position to its last_seq, conversation
    // by conversation in the order given, limit + 1 in all (the one after shows there are more).
    // Worked out first, so the read below touches only those rows, however far the index is behind.
    const heads = await this.db.all<{ key: number; conv: string; done: number; last: number }>(sql`
      SELECT v.key AS key, v.value AS conv, coalesce(p.seq, 0) AS done, c.last_seq AS last
      FROM json_each(${JSON.stringify(convs)}) v
        JOIN ${conversations} c ON c.id = v.value
        LEFT JOIN ${searchPositions} p ON p.conv_id = v.value
      ORDER BY v.key`);
    const ranges: [string, number, number, number][] = [];
    let left = limit + 1;
    for (const h of heads) {
      const [done, last] = [Number(h.done), Number(h.last)];
      if (left === 0) break;
      if (last <= done) continue;
      const take = Math.min(last - done, left);
      ranges.push([h.conv, done + 1, done + take, Number(h.key)]);
      left -= take;
    }
    if (ranges.length === 0) return { more: [] };
    // Those entries, at most BATCH_BYTES of bodies (at least one entry): a step of the indexer
    // holds the event loop for a bounded time, however large the messages.
    const size = sql<number>`length(CAST(m.body AS BLOB))`;
    const from = sql`FROM json_each(${JSON.stringify(ranges)}) v CROSS JOIN ${messages} m
      WHERE m.conv_id = v.value ->> 0 AND m.seq BETWEEN v.value ->> 1 AND v.value ->> 2`;
    const columns = sql`m.conv_id, m.seq, m.sender_id, m.ts, m.body, m.edited_text, v.value ->> 3 AS key`;
    // Usually all of them fit (chat messages are small) and are read as they are; only a step over
    // BATCH_BYTES pays for the running sum, a window function that nearly doubled the read: per
    // entry 12.6, 11.8 µs against 0.8 + 6.2, 0.7 + 6.2 µs for the sum and the plain read (one
    // process, 60,000 entries in steps of 500, load 7.0).
    const [total] = await this.db.all<{ bytes: number }>(sql`SELECT coalesce(sum(${size}), 0) AS bytes ${from}`);
    const fits = Number(total!.bytes) <= BATCH_BYTES;
    // only the rows of this step reach this process, and the one after it (more)
    type Row = { conv_id: string; seq: number; sender_id: string; ts: number; body: string; edited_text: string | null; key: number; running: number };
    const rows = await this.db.all<Row>(
      fits
        ? sql`SELECT ${columns}, 0 AS running ${from} ORDER BY key, m.seq` // (all fit: no running sum to check)
        : sql`SELECT * FROM (SELECT ${columns}, ${size} AS size, sum(${size}) OVER (ORDER BY v.value ->> 3, m.seq) AS running ${from})
            WHERE running - size < ${BATCH_BYTES} ORDER BY key, seq`,
    );
    let n = 0;
    while (n < Math.min(rows.length, limit) && (n === 0 || rows[n]!.running <= BATCH_BYTES)) n++;
    // Left for the next step: the conversation the step stopped in, and those after it.
    const more = n < rows.length ? convs.slice(Number(rows[n]!.key)) : [];
    const entries = rows.slice(0, n).map((r) => ({ conv: r.conv_id, seq: Number(r.seq), sender: r.sender_id, ts: Number(r.ts), body: r.body, editedText: r.edited_text }));
    if (entries.length === 0) return { more };
    // What the step does to the index, worked out here and then applied set-based: a handful of
    // statements per step however many entries and conversations it holds (one per entry, and a
    // transaction per conversation, was most of the server's SQLite time under load). In log
    // order a text is added once, a later edit replaces its target's text (the last edit wins), a
    // recall removes its target: so the texts added, the last edit per target and the recalled
    // targets, applied in that order, come to the same.
    const key = (conv: string, seq: number) => JSON.stringify([conv, seq]);
    const puts = new Map<string, { conv: string; seq: number; sender: string; ts: number; text: string }>();
    const edits = new Map<string, { conv: string; seq: number; text: string }>();
    const recalled = new Map<string, { conv: string; seq: number }>();
    const reached = new Map<string, number>();
    for (const entry of entries) {
      const { conv, seq } = entry;
      const body = JSON.parse(entry.body) as EntryBody;
      const text = entry.editedText ?? searchableText(body);
      if (text !== undefined) puts.set(key(conv, seq), { conv, seq, sender: entry.sender, ts: entry.ts, text });
      if (body.type === "edit" && body.text !== undefined) edits.set(key(conv, body.target), { conv, seq: body.target, text: body.text });
      if (body.type === "recall") recalled.set(key(conv, body.target), { conv, seq: body.target });
      reached.set(conv, seq);
    }
    for (const k of recalled.keys()) (puts.delete(k), edits.delete(k));
    const added = [...puts.values()].map((e) => ({ ...e, ...indexedText(e.text) }));
    const replaced = [...edits.values()].map((e) => ({ ...e, ...indexedText(e.text) }));
    // Rows indexed before (an entry indexed again, a recalled target) go first, words and row.
    const removed = JSON.stringify([...puts.values(), ...recalled.values()].map((e) => [e.conv, e.seq]));
    // CROSS JOIN: the list drives (one index step per entry). Left to itself the planner may walk
    // a conversation's whole part of search_rows and scan the list for each row.
    const rowsOf = (pairs: string) => sql`SELECT r.id FROM json_each(${pairs}) v CROSS JOIN ${searchRows} r ON r.conv_id = v.value ->> 0 AND r.seq = v.value ->> 1`;
    // In rowid order: FTS5 writes out what it holds each time a rowid is lower than the one before
    // (the rows are numbered by time, the list is conversation by conversation).
    const words = (list: { conv: string; seq: number; body: string; uni: string }[]) =>
      this.db.run(sql`INSERT INTO search_index (rowid, body, uni)
        SELECT r.id, v.value ->> 2, v.value ->> 3 FROM json_each(${JSON.stringify(list.map((e) => [e.conv, e.seq, e.body, e.uni]))}) v
          CROSS JOIN ${searchRows} r ON r.conv_id = v.value ->> 0 AND r.seq = v.value ->> 1
        ORDER BY r.id`);
    const statements: BatchItem<"sqlite">[] = [
      this.db.run(sql`DELETE FROM search_index WHERE rowid IN (${rowsOf(removed)})`),
      this.db.run(sql`DELETE FROM ${searchRows} WHERE id IN (${rowsOf(removed)})`),
      // Each row numbered after its entry's time (rowOf): the next free number of its millisecond.
      this.db.run(sql`INSERT INTO ${searchRows} (id, conv_id, seq, sender_id, ts)
        SELECT coalesce((SELECT max(r.id) + 1 FROM ${searchRows} r WHERE r.id BETWEEN ${rowOf(sql`v.ts`)} AND ${rowOf(sql`v.ts`, sql.raw(String(TIES - 1)))}), ${rowOf(sql`v.ts`)})
            + row_number() OVER (PARTITION BY v.ts ORDER BY v.key) - 1,
          v.conv, v.seq, v.sender, v.ts
        FROM (SELECT key, value ->> 0 AS conv, value ->> 1 AS seq, value ->> 2 AS sender, CAST(value ->> 3 AS INTEGER) AS ts
          FROM json_each(${JSON.stringify(added.map((e) => [e.conv, e.seq, e.sender, e.ts]))})) v`),
      words(added),
      this.db.run(sql`DELETE FROM search_index WHERE rowid IN (${rowsOf(JSON.stringify(replaced.map((e) => [e.conv, e.seq])))})`),
      words(replaced),
      this.db.run(sql`INSERT INTO ${searchPositions} (conv_id, seq) SELECT value ->> 0, value ->> 1 FROM json_each(${JSON.stringify([...reached])}) WHERE true
        ON CONFLICT (conv_id) DO UPDATE SET seq = excluded.seq`),
    ];
    await this.db.batch(batchOf(statements));
    return { more };
  }

  async search(viewer: string, match: string, filters: SearchFilters, cursor: SearchCursor | null, limit: number) {
    // FTS5 walks the match newest first (rowid descending) and the walk stops at the limit: what
    // a page costs is the hits looked at until `limit` of them may be read, not every match
    // (sorting every match was slower than a LIKE scan for a word in half of 1M entries). The
    // CROSS JOIN keeps the walk the outer loop; bounds on the rowid go to FTS5 itself. The clear and
    // hide checks name m, so they run only for hits in the viewer's conversations (naming r, they
    // ran for every hit walked: with the old sort, 56 of 77 ms at 200,000 entries were joins and
    // those checks, 26 ms the whole query without them).
    // times past MAX_TS (a hostile `before` or cursor) are MAX_TS: no entry is later
    const rowAt = (ts: number, tie = 0) => rowOf(sql`${Math.min(ts, MAX_TS)}`, tie);
    const rows = await this.db.all<{ conv_id: string; seq: number; ts: number; tie: number }>(sql`
      SELECT r.conv_id, r.seq, r.ts, f.rowid % ${sql.raw(String(TIES))} AS tie FROM search_index f
        CROSS JOIN ${searchRows} r ON r.id = f.rowid
        JOIN ${members} m ON m.conv_id = r.conv_id AND m.user_id = ${viewer}
        JOIN ${conversations} c ON c.id = r.conv_id
      WHERE search_index MATCH ${match}
        AND r.seq >= (CASE WHEN c.history = 'all' THEN 1 ELSE m.joined_seq END)
        AND (m.removed_seq IS NULL OR r.seq <= m.removed_seq)
        AND ${notClearedNorHidden(viewer, sql`m.conv_id`, sql`r.seq`)}
        ${filters.conv === undefined ? sql`` : sql`AND r.conv_id = ${filters.conv}`}
        ${filters.from === undefined ? sql`` : sql`AND r.sender_id = ${filters.from}`}
        ${filters.after === undefined ? sql`` : sql`AND f.rowid >= ${rowAt(filters.after + 1)}`}
        ${filters.before === undefined ? sql`` : sql`AND f.rowid < ${rowAt(filters.before)}`}
        ${cursor === null ? sql`` : sql`AND f.rowid <= ${rowAt(cursor.ts, cursor.tie)} AND (f.rowid < ${rowAt(cursor.ts, cursor.tie)} OR r.conv_id < ${cursor.conv})`}
      ORDER BY f.rowid DESC
      LIMIT ${limit}`);
    if (rows.length === 0) return [];
    const entries = await this.db
      .select()
      .from(messages)
      .where(sql`(${messages.convId}, ${messages.seq}) IN (SELECT value ->> 0, value ->> 1 FROM json_each(${JSON.stringify(rows.map((r) => [r.conv_id, Number(r.seq)]))}))`);
    const byKey = new Map(entries.map((e) => [`${e.convId}\n${e.seq}`, e]));
    return rows.map((r) => {
      const entry = byKey.get(`${r.conv_id}\n${r.seq}`);
      const at = { ts: Number(r.ts), tie: Number(r.tie), conv: r.conv_id };
      // recalled since it was indexed (the index catches up): never shown
      if (!entry || entry.recalled) return { message: null, text: "", at };
      const message: Message = toMessage(entry, {});
      return { message, text: message.edited?.text ?? searchableText(message.body) ?? "", at };
    });
  }
}
