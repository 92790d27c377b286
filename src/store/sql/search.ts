// The full-text index on SQLite FTS5: `search_index` holds the words (texts as they are, or as
// core/search-text.ts prepares CJK ones), `search_rows` which entry each row is,
// `search_positions` how far each log is indexed.
// (A contentless table, content='' with contentless_delete=1, wrote about 4% less per entry but
// made a search for a word in half of 300,000 entries 3.4 times slower: 122 against 36 ms.)
// Who may read a hit is decided here with the roster's rule, as history pages do: a member reads
// from its join (or everything, where `history` is all) up to its removal.
import { eq, sql, type SQL } from "drizzle-orm";
import { indexedText, PLAIN_CHARS, searchableText } from "../../core/search-text.ts";
import type { SearchCursor, SearchFilters, SearchStore } from "../../core/store/search.ts";
import type { EntryBody } from "../../schema/entries.ts";
import type { Message } from "../../schema/messages.ts";
import { conversations, members, messages, searchPositions, searchRows } from "../schema.ts";
import { notClearedNorHidden } from "./list-counters.ts";
import { batchOf, prebuilt, type SqlDb } from "./db.ts";
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
const bodySize = sql<number>`length(CAST(m.body AS BLOB))`;

/** Entries of a conversation: [conv, from seq, to seq, the conversation's place in the step's list]. */
type Range = [string, number, number, number];

/**
 * What of entry `m` is searched, in SQL: its edited text, else core/search-text.ts searchableText
 * of its body (a text; a file's or image's caption and name, the empty ones left out); NULL for
 * entries with nothing to search (actions, recalled entries).
 */
function textOf(alias: string): SQL {
  const m = sql.raw(alias);
  const captionAndName = sql`concat_ws(char(10), nullif(${m}.body ->> '$.caption', ''), nullif(${m}.body ->> '$.name', ''))`;
  return sql`coalesce(${m}.edited_text, CASE ${m}.type WHEN 'text' THEN ${m}.body ->> '$.text' WHEN 'file' THEN ${captionAndName} WHEN 'image' THEN ${captionAndName} END)`;
}

/**
 * Whether a text is of PLAIN_CHARS only: indexed as it is. ASCII is checked first, by counting
 * (length() counts characters up to a NUL, bytes are bytes), and GLOB only for the rest, with no
 * NUL (GLOB stops at one).
 */
const NOT_PLAIN = sql.raw(`'*[^${PLAIN_CHARS.map(([a, b]) => `${String.fromCodePoint(a)}-${String.fromCodePoint(b)}`).join("")}]*'`);
const plain = (text: SQL) =>
  sql`(length(${text}) = length(CAST(${text} AS BLOB)) OR (${text} NOT GLOB ${NOT_PLAIN} AND instr(${text}, char(0)) = 0))`;

/** A list of [conv, from seq, to seq, key] as rows (conv, lo, hi, k). */
const listed = (list: SQL) => sql`(SELECT value ->> 0 AS conv, value ->> 1 AS lo, value ->> 2 AS hi, value ->> 3 AS k FROM json_each(${list}) LIMIT -1)`;

/**
 * The entries `alias` of each range of `ranges` (rows conv, lo, hi, k as from listed(), named v).
 * CROSS JOIN: the list drives, one range of the primary key per conversation.
 */
function entriesIn(ranges: SQL, alias: string): SQL {
  const m = sql.raw(alias);
  return sql`FROM ${ranges} v CROSS JOIN ${messages} ${m} ON ${m}.conv_id = v.conv AND ${m}.seq BETWEEN v.lo AND v.hi`;
}

/** Content entries indexed before the range that an edit in it changed (`t`, the edit `e`). */
const editedBefore = (ranges: SQL) =>
  sql`${entriesIn(ranges, "e")} CROSS JOIN ${messages} t ON t.conv_id = e.conv_id AND t.seq = e.target WHERE e.type = 'edit' AND t.seq < v.lo`;

/**
 * A step applied, set-based inside SQLite: a handful of statements per step however many entries
 * and conversations it holds. `list`: the step's ranges of entries; `prepared`: [conv, seq, body,
 * uni] of the texts indexedText changes, made by the caller. In log order a text is added once, a
 * later edit replaces its target's text, a recall removes its target; here each entry added takes
 * its text as it is now (edited_text, the last edit's; a recalled entry has none), an edit in the
 * step whose target was indexed before replaces the target's words with its text as it is now, a
 * recall removes its target: the index comes to the same as applying the entries one by one.
 * (Before, a step read its entries into JavaScript, prepared every text and wrote them back, and
 * deleted every entry's words and row first in case it was indexed already: `bench:search-step`,
 * CPU per entry 23.1 → 15.5 µs, 36.9 → 24.8 µs with a tenth of the texts Chinese, with the one
 * read and prebuilt statements below; same process, alternating rounds, load 1.6-5.6.)
 */
function stepSql(list: SQL, prepared: SQL): SQL[] {
  // Only ranges that start just after their conversation's indexed position: a step applied
  // already (another process on the same file took it meanwhile) is not applied again.
  const live = sql`(SELECT * FROM ${listed(list)} l WHERE coalesce((SELECT p.seq FROM ${searchPositions} p WHERE p.conv_id = l.conv), 0) = l.lo - 1)`;
  // the entries with a text (textOf is not NULL), and their texts
  const withText = sql`(m.edited_text IS NOT NULL OR m.type IN ('text', 'file', 'image'))`;
  const added = sql`(SELECT m.conv_id AS conv, m.seq AS seq, m.sender_id AS sender, m.ts AS ts, v.k AS k ${entriesIn(live, "m")} WHERE ${withText})`;
  const texts = sql`(SELECT m.conv_id AS conv, m.seq AS seq, ${textOf("m")} AS text ${entriesIn(live, "m")} WHERE ${withText} LIMIT -1)`;
  const replaced = sql`(SELECT DISTINCT t.conv_id AS conv, t.seq AS seq, ${textOf("t")} AS text ${editedBefore(live)})`;
  const firstRow = rowOf(sql`a.ts`, sql.raw("0"));
  // the rows of the targets of the step's actions of these types
  const targetRows = (types: SQL) =>
    sql`SELECT s.id ${entriesIn(live, "e")} CROSS JOIN ${searchRows} s ON s.conv_id = e.conv_id AND s.seq = e.target WHERE e.type IN ${types}`;
  return [
    sql`DELETE FROM search_index WHERE rowid IN (${targetRows(sql`('edit', 'recall')`)})`,
    sql`DELETE FROM ${searchRows} WHERE id IN (${targetRows(sql`('recall')`)})`,
    // Each row numbered after its entry's time (rowOf): the next free number of its millisecond.
    sql`INSERT INTO ${searchRows} (id, conv_id, seq, sender_id, ts)
      SELECT coalesce((SELECT max(r.id) + 1 FROM ${searchRows} r WHERE r.id BETWEEN ${firstRow} AND ${rowOf(sql`a.ts`, sql.raw(String(TIES - 1)))}), ${firstRow})
          + row_number() OVER (PARTITION BY a.ts ORDER BY a.k, a.seq) - 1,
        a.conv, a.seq, a.sender, a.ts
      FROM ${added} a`,
    // In rowid order: FTS5 writes out what it holds each time a rowid is lower than the one before
    // (the rows are numbered by time, the step is conversation by conversation). A text prepared
    // by the caller only while the entry's text is still not plain: an edit committed between the
    // caller's read and this step may have made it plain, which the first half indexes (both
    // halves would give the row twice, and the step would fail). A text prepared from an earlier
    // edit is replaced by the next step, which has the later edit.
    sql`INSERT INTO search_index (rowid, body, uni)
      SELECT id, body, uni FROM (
        SELECT s.id AS id, w.text AS body, '' AS uni FROM (SELECT * FROM ${texts} UNION ALL SELECT * FROM ${replaced}) w
          CROSS JOIN ${searchRows} s ON s.conv_id = w.conv AND s.seq = w.seq
        WHERE ${plain(sql`w.text`)}
        UNION ALL
        SELECT s.id, x.value ->> 2, x.value ->> 3 FROM json_each(${prepared}) x
          CROSS JOIN ${searchRows} s ON s.conv_id = x.value ->> 0 AND s.seq = x.value ->> 1
          CROSS JOIN ${messages} t ON t.conv_id = s.conv_id AND t.seq = s.seq
        WHERE x.value ->> 0 IN (SELECT conv FROM ${live}) AND NOT ${plain(textOf("t"))})
      ORDER BY id`,
    sql`INSERT INTO ${searchPositions} (conv_id, seq) SELECT conv, hi FROM ${live} WHERE true
      ON CONFLICT (conv_id) DO UPDATE SET seq = excluded.seq`,
  ];
}

/** (their text built once: drizzle would build it again on every step) */
const stepStatements = stepSql(sql``, sql``).map((_, i) => prebuilt(2, (list, prepared) => stepSql(list, prepared)[i]!));

/** Which conversations have entries to index: [key, conv, indexed up to, last seq] of each of `convs` (a JSON array). */
const headsSql = prebuilt(1, (convs) => sql`
  SELECT v.key AS key, v.value AS conv, coalesce(p.seq, 0) AS done, c.last_seq AS last
  FROM json_each(${convs}) v
    JOIN ${conversations} c ON c.id = v.value
    LEFT JOIN ${searchPositions} p ON p.conv_id = v.value
  ORDER BY v.key`);

/** The statement of SqlSearchStore's #read. */
const readSql = prebuilt(1, (ranges) => {
  const list = listed(ranges);
  return sql`
    SELECT coalesce(sum(size), 0) AS bytes, json_group_array(json_array(conv, seq, at, body, edited_text)) FILTER (WHERE NOT ${plain(sql`text`)}) AS changed
    FROM (
      SELECT m.conv_id AS conv, m.seq AS seq, m.seq AS at, m.body AS body, m.edited_text AS edited_text, ${textOf("m")} AS text, ${bodySize} AS size
        ${entriesIn(list, "m")}
      UNION ALL
      SELECT t.conv_id, t.seq, e.seq, t.body, t.edited_text, ${textOf("t")}, 0 ${editedBefore(list)}
      LIMIT -1)`;
});

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
    // Worked out first, so the reads below touch only those rows, however far the index is behind.
    const heads = await this.db.all<{ key: number; conv: string; done: number; last: number }>(headsSql(JSON.stringify(convs)));
    const ranges: Range[] = [];
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
    // At most `limit` of them and BATCH_BYTES of bodies (at least one entry): a step of the indexer
    // holds the event loop for a bounded time, however large the messages. Usually all of them fit
    // (chat messages are small) and the one read below gives the texts to prepare as well; only a
    // step over BATCH_BYTES pays for the running sum (a window function) that finds where to stop.
    let read = await this.#read(ranges);
    let n = Math.min(limit + 1 - left, limit);
    if (read.bytes > BATCH_BYTES) {
      const rows = await this.db.all<{ running: number }>(sql`
        SELECT running FROM (SELECT v.k AS key, m.seq AS seq, ${bodySize} AS size, sum(${bodySize}) OVER (ORDER BY v.k, m.seq) AS running
          ${entriesIn(listed(sql`${JSON.stringify(ranges)}`), "m")})
        WHERE running - size < ${BATCH_BYTES} ORDER BY key, seq`);
      n = 0;
      while (n < Math.min(rows.length, limit) && (n === 0 || Number(rows[n]!.running) <= BATCH_BYTES)) n++;
    }
    // The step: the first n entries. Left for the next step: the conversation the step stopped in,
    // and those after it.
    const step: Range[] = [];
    let more: string[] = [];
    for (const [conv, lo, hi, key] of ranges) {
      const take = Math.min(hi - lo + 1, n);
      if (take > 0) step.push([conv, lo, lo + take - 1, key]);
      n -= take;
      if (take < hi - lo + 1) {
        more = convs.slice(key);
        break;
      }
    }
    if (step.length === 0) return { more };
    if (read.bytes > BATCH_BYTES) read = await this.#read(step);
    const within = new Map(step.map(([conv, lo, hi]) => [conv, [lo, hi] as const]));
    const prepared = new Map<string, [string, number, string, string]>();
    for (const [conv, seq, at, body, editedText] of read.changed) {
      const [lo, hi] = within.get(conv) ?? [0, -1];
      if (at < lo || at > hi) continue; // past the step's end
      const text = indexedText(editedText ?? searchableText(JSON.parse(body) as EntryBody)!);
      prepared.set(`${conv}\n${seq}`, [conv, seq, text.body, text.uni]); // (a target edited twice is read twice)
    }
    const values = [JSON.stringify(step), JSON.stringify([...prepared.values()])];
    await this.db.batch(batchOf(stepStatements.map((statement) => this.db.run(statement(...values)))));
    return { more };
  }

  /**
   * The bytes of the bodies in `ranges`, and the entries whose texts indexedText would change (CJK,
   * see PLAIN_CHARS): [conv, seq, the seq of the entry that brings the text (its own or an edit's),
   * body, edited text]. Only those texts are read into this process; SQLite indexes the others as
   * they are. (Through JSON: a text read as a column would end at a NUL.)
   */
  async #read(ranges: Range[]): Promise<{ bytes: number; changed: [string, number, number, string, string | null][] }> {
    const [row] = await this.db.all<{ bytes: number; changed: string }>(readSql(JSON.stringify(ranges)));
    return { bytes: Number(row!.bytes), changed: JSON.parse(row!.changed) };
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
