// The unread and mention counters of each member's list row (conversation-list.ts), kept exact by
// statements that run in the same transaction as what changes them: an append (listCountersOf,
// message-log.ts), a read (readCounters, receipts.ts), a clear or a hide (conversation-list.ts).
// A row counts the content entries from others after its `counted_from` (the furthest of its read
// marker, its clear and its join), less hidden ones, up to the member's removal. A list or a badge
// is then a read of one row per conversation, whatever the size of the logs.
import { sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { NewEntry } from "../../core/store/message-log.ts";
import { conversationLists, conversations, hiddenEntries, members, messages } from "../schema.ts";
import { prebuilt, type SqlDb } from "./db.ts";
import { appended, CONTENT_TYPES_SQL } from "./entry-effects.ts";

/** Whether entry `m` mentions `user` or all. */
const mentions = (m: SQL, user: SQL | string) =>
  sql`EXISTS (SELECT 1 FROM json_each(${m}.body, '$.mentions') j WHERE j.value IN (${user}, 'all'))`;

/** The entry is hidden by `user`. */
export const hiddenBy = (user: SQL | string, conv: SQL | string, seq: SQL) =>
  sql`EXISTS (SELECT 1 FROM ${hiddenEntries} h WHERE h.user_id = ${user} AND h.conv_id = ${conv} AND h.seq = ${seq})`;

/**
 * How many entries of `conv` in (from, to] count for `user` (or, `mentioning`, mention it): content
 * from others, not hidden, not after the user's removal.
 */
export function counted(user: string, conv: string, from: SQL, to: SQL, mentioning: boolean): SQL {
  const removed = sql`(SELECT mb.removed_seq FROM ${members} mb WHERE mb.conv_id = ${conv} AND mb.user_id = ${user})`;
  return sql`(SELECT count(*) FROM ${messages} m
    WHERE m.conv_id = ${conv} AND m.seq > ${from} AND m.seq <= ${to} AND (${removed} IS NULL OR m.seq <= ${removed})
      AND m.sender_id <> ${user} AND m.type IN ${CONTENT_TYPES_SQL} AND NOT ${hiddenBy(user, conv, sql`m.seq`)}
      ${mentioning ? sql`AND ${mentions(sql`m`, user)}` : sql``})`;
}

export const lastSeqOf = (conv: string) => sql`(SELECT c.last_seq FROM ${conversations} c WHERE c.id = ${conv})`;

/**
 * Moves the user's counters past `to` (nothing when they are there already): the entries in
 * between no longer count. A read, a clear.
 */
export function advance(db: SqlDb, user: string, conv: string, to: SQL, when: SQL = sql`1`): BatchItem<"sqlite"> {
  return db.run(sql`UPDATE ${conversationLists}
    SET unread = unread - ${counted(user, conv, sql`counted_from`, to, false)},
      mentions = mentions - ${counted(user, conv, sql`counted_from`, to, true)},
      counted_from = ${to}
    WHERE user_id = ${user} AND conv_id = ${conv} AND ${to} > counted_from AND ${when}`);
}

/**
 * The user's row, if it has none yet: counting from the conversation's last seq (nothing before it
 * is counted, so the counters are exact from there).
 */
export const ensureRow = (db: SqlDb, user: string, conv: string, when: SQL = sql`1`) =>
  db.run(sql`INSERT INTO ${conversationLists} (user_id, conv_id, counted_from)
    SELECT ${user}, ${conv}, coalesce(${lastSeqOf(conv)}, 0) WHERE ${when} ON CONFLICT DO NOTHING`);

/** The statements of a read up to `seq` (receipts.ts runs them with the marker's move). */
export function readCounters(db: SqlDb, user: string, conv: string, seq: number): BatchItem<"sqlite"> {
  return advance(db, user, conv, sql`min(${seq}, coalesce(${lastSeqOf(conv)}, 0))`);
}

/** The user's unread count in a conversation, as SQL (0 without a row). */
export const unreadOf = (user: string, conv: string) =>
  sql<number>`coalesce((SELECT unread FROM ${conversationLists} WHERE user_id = ${user} AND conv_id = ${conv}), 0)`;

/**
 * Every current member of the conversations `convs` (a JSON array) of the entries `ids` (another)
 * gets a row (the first entry creates them); a content entry from someone else counts for each
 * one, and brings a hidden conversation back. A row with nothing to count (the sender's own) is not
 * updated at all (SQLite would not write its page for an unchanged row, but still does the update's
 * work). The entries are found as the rows past their conversation's last_seq (the append moves it
 * last), by the primary key: messages has no index on id.
 *
 * Counted per entry (`added`, each body read once for its mentions) and per conversation, then per
 * member as the conversation's count less the member's own: not per (entry, member) pair, which
 * in a group of 1,000 read every body 999 times and sorted every pair. The statement's CPU on the
 * binding, a batch of 20 into 5 groups of 1,000 members: 29.7 → 5.8 ms; 20 and 250 messages into 50
 * direct conversations: about the same (131, 131 → 153, 140 µs; 878, 926 → 926, 806 µs).
 */
const countEntries = prebuilt(2, (convs, ids) => {
  const counts = sql`e.type IN ${CONTENT_TYPES_SQL}`;
  return sql`WITH added AS MATERIALIZED (
      SELECT e.conv_id, e.sender_id, ${counts} AS counts, CASE WHEN ${counts} THEN e.body -> '$.mentions' END AS mentioning
      FROM json_each(${convs}) j CROSS JOIN ${conversations} c ON c.id = j.value
        CROSS JOIN ${messages} e ON e.conv_id = c.id AND e.seq > c.last_seq
      WHERE e.id IN (SELECT value FROM json_each(${ids}))),
    per_conv AS (SELECT conv_id, sum(counts) AS n, max(mentioning IS NOT NULL) AS mentioned FROM added GROUP BY conv_id)
  INSERT INTO ${conversationLists} (user_id, conv_id, counted_from, unread, mentions)
    SELECT mb.user_id, mb.conv_id, max(mb.read_seq, mb.joined_seq),
      t.n - coalesce((SELECT sum(a.counts) FROM added a WHERE a.conv_id = mb.conv_id AND a.sender_id = mb.user_id), 0),
      CASE WHEN t.mentioned THEN (SELECT count(*) FROM added a WHERE a.conv_id = mb.conv_id AND a.sender_id <> mb.user_id
        AND EXISTS (SELECT 1 FROM json_each(a.mentioning) j WHERE j.value IN (mb.user_id, 'all'))) ELSE 0 END
    FROM per_conv t JOIN ${members} mb ON mb.conv_id = t.conv_id AND mb.removed_seq IS NULL
    WHERE true
    ON CONFLICT (user_id, conv_id) DO UPDATE SET unread = unread + excluded.unread, mentions = mentions + excluded.mentions,
      hidden = hidden AND excluded.unread = 0
    WHERE excluded.unread > 0`;
});

/**
 * What an append does to the counters, to run in its transaction: `before` the entries' effects
 * (a recall's target still has its body, for its mentions), `after` them (members just added
 * start counting at their join).
 */
export function listCountersOf(
  db: SqlDb,
  entries: NewEntry[],
  convs: string,
  single: NewEntry | undefined,
): { before: BatchItem<"sqlite">[]; after: BatchItem<"sqlite">[] } {
  const before: BatchItem<"sqlite">[] = [db.run(countEntries(convs, JSON.stringify(entries.map((m) => m.id))))];
  const after: BatchItem<"sqlite">[] = [];
  const entry = single && appended(single);
  const inserted = entry?.inserted;
  if (single?.body.type === "recall") {
    // The recalled entry no longer counts for those it counted for.
    const { conv } = single;
    const target = single.body.target;
    const t = sql`(SELECT t.rowid FROM ${messages} t WHERE t.conv_id = ${conv} AND t.seq = ${target} AND t.recalled = 0 AND t.type IN ${CONTENT_TYPES_SQL})`;
    const user = sql`${conversationLists}.user_id`;
    before.push(
      db.run(sql`UPDATE ${conversationLists}
        SET unread = unread - 1,
          mentions = mentions - (SELECT count(*) FROM ${messages} t WHERE t.rowid = ${t} AND ${mentions(sql`t`, user)})
        WHERE conv_id = ${conv} AND ${inserted} AND ${t} IS NOT NULL AND ${target} > counted_from
          AND ${user} <> (SELECT t.sender_id FROM ${messages} t WHERE t.rowid = ${t})
          AND NOT ${hiddenBy(user, conv, sql`${target}`)}
          AND EXISTS (SELECT 1 FROM ${members} mb WHERE mb.conv_id = ${conv} AND mb.user_id = ${user}
            AND (mb.removed_seq IS NULL OR mb.removed_seq >= ${target}))`),
    );
  }
  if (single?.body.type === "members_added") {
    // Added (or back): counting starts at the entry that added them.
    after.push(
      db.run(sql`INSERT INTO ${conversationLists} (user_id, conv_id, counted_from)
        SELECT value, ${single.conv}, ${entry!.seq}
        FROM json_each(${JSON.stringify(single.body.users)}) WHERE ${inserted}
        ON CONFLICT (user_id, conv_id) DO UPDATE SET counted_from = excluded.counted_from, unread = 0, mentions = 0, hidden = 0`),
    );
  }
  return { before, after };
}

/** Search: the entry (`r.conv_id`, `r.seq`) is neither cleared nor hidden for the viewer. */
export const notClearedNorHidden = (viewer: string, conv: SQL, seq: SQL) =>
  sql`NOT EXISTS (SELECT 1 FROM ${conversationLists} cl WHERE cl.user_id = ${viewer} AND cl.conv_id = ${conv} AND cl.cleared_seq >= ${seq})
    AND NOT ${hiddenBy(viewer, conv, seq)}`;
