// Each conversation's log on drizzle: the batched, gapless append of entries (with the effects of
// actions and membership changes, entry-effects.ts) and history pages with the folded state.
import { and, asc, desc, eq, getTableColumns, gt, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Appended, MessageLog, NewEntry } from "../../core/store/message-log.ts";
import type { ReadableRange } from "../../core/roster.ts";
import { CONTENT_TYPES, type EntryBody, type EntryType } from "../../schema/entries.ts";
import type { Message, MessagePage } from "../../schema/messages.ts";
import { conversations, messages, reactions } from "../schema.ts";
import { batchOf, jsonChunks, prebuilt, type SqlDb } from "./db.ts";
import { listCountersOf, notClearedNorHidden } from "./list-counters.ts";
import { effectsOf, guardOf, senderBelongs } from "./entry-effects.ts";

type MessageRow = typeof messages.$inferSelect;
type Reactions = Message["reactions"];

/** An entry as the API shows it; content entries carry their folded state (`folded`). */
export function toMessage(r: MessageRow, folded?: { reactions?: Reactions }): Message {
  const message: Message = {
    id: r.id,
    conv: r.convId,
    seq: r.seq,
    sender: r.senderId,
    ts: r.ts,
    clientId: r.clientId,
    body: JSON.parse(r.body) as EntryBody,
  };
  if (!folded) return message;
  if (r.recalled) message.recalled = true;
  else if (r.editCount > 0) message.edited = { text: r.editedText!, ts: r.editedTs!, count: r.editCount };
  if (folded.reactions?.length) message.reactions = folded.reactions;
  return message;
}

/**
 * The rows of `rows` (a JSON array of [conv, id, sender, client_id, ts, body, type, target,
 * upload_id, rank]; rank: the row's place among the batch's rows of its conversation, from 1) as
 * `v`, joined to their conversation `c`, which must be open.
 *
 * Each row is read once (`r`) and its fields from it: json_each renders a row again as text on
 * every read of `value`, and each `->>` parses that text again. Reading the nine fields of 250 rows
 * (CPU on the binding, µs per batch): 1,243 straight from `value`, 664 from `r`. `LIMIT -1` keeps
 * each subquery a co-routine of its own: flattened, the outer query would read each field again
 * wherever it names one (16 JSON reads per row, not 9; the fifth round). Not kept, as the CPU of
 * reading the nine fields (µs per row at 250 / 20 rows; `->>` from `value` 5.5 / 5.3): jsonb() of
 * each row 7.0 / 7.3, of the parameter 6.1 / 5.8; a flat array gathered by GROUP BY 10.0 / 10.6;
 * one array per column read by path 17.1 / 4.6.
 */
const rowsOf = (rows: SQL) => sql`(SELECT i, r ->> 0 AS conv, r ->> 1 AS id, r ->> 2 AS sender, r ->> 3 AS client_id, r ->> 4 AS ts,
      r ->> 5 AS body, r ->> 6 AS type, r ->> 7 AS target, r ->> 8 AS upload_id, r ->> 9 AS rank
    FROM (SELECT key AS i, value AS r FROM json_each(${rows}) LIMIT -1) LIMIT -1) v
  JOIN ${conversations} c ON c.id = v.conv AND c.closed_seq IS NULL`;

const columns = sql.raw(`conv_id, seq, id, sender_id, client_id, ts, body, type, target, upload_id`);
const values = sql.raw(`v.id, v.sender, v.client_id, v.ts, v.body, v.type, v.target, v.upload_id`);

/**
 * The append of a batch of content, betting that every row goes in: numbered `last_seq` + rank,
 * with neither the highest-seq lookup nor the clientId check per row, nor the window numbering
 * (its sort and the copy SQLite makes of the rows when an INSERT's SELECT reads its own table).
 * Whatever would have refused a row fails the statement instead, and the batch is appended again
 * by `insertSql` (appendEntries): a stored clientId breaks the unique index, a sender no longer a
 * member makes the seq NULL, a `last_seq` behind the log clashes on the primary key. (Only
 * `advanceSql` moves `last_seq`, to the highest seq, so it is never behind, nor ahead, which would
 * leave a gap.) The rows of a closed or missing conversation are all left out by the join (no gap:
 * none of its rows go in). CPU of the insert on the binding, 50 conversations, µs per batch: 2,910 → 1,902 (250 rows),
 * 364 → 191 (20 rows).
 */
const insertAll = prebuilt(1, (rows) => sql`INSERT INTO ${messages} (${columns})
  SELECT v.conv, CASE WHEN ${senderBelongs} THEN c.last_seq + v.rank END, ${values}
  FROM ${rowsOf(rows)}
  RETURNING id, seq`);

/**
 * Inserts the rows whose (conv, sender, clientId) is not stored yet and that pass `guard`,
 * numbered on from their conversation's highest seq in batch order; returns the ids and seqs
 * taken. The highest seq sees earlier chunks' rows. Without ON CONFLICT: a clash would fail the
 * batch rather than leave a gap in seq.
 */
const insertSql = (rows: SQL, guard: SQL) => sql`INSERT INTO ${messages} (${columns})
  SELECT v.conv,
    coalesce((SELECT m.seq FROM ${messages} m WHERE m.conv_id = v.conv ORDER BY m.seq DESC LIMIT 1), 0)
      + row_number() OVER (PARTITION BY v.conv ORDER BY v.i),
    ${values}
  FROM ${rowsOf(rows)}
  WHERE ${guard}
    AND NOT EXISTS (SELECT 1 FROM ${messages} m WHERE m.conv_id = v.conv AND m.sender_id = v.sender AND m.client_id = v.client_id)
  RETURNING id, seq`;

/**
 * last_seq and last_activity_at from the newest entry (by the primary key's order, one index
 * step) of the conversations of `convs` (a JSON array) that have entries past last_seq.
 */
const advanceSql = prebuilt(1, (convs) => sql`UPDATE ${conversations}
  SET (last_seq, last_activity_at) = (SELECT m.seq, max(${conversations}.last_activity_at, m.ts) FROM ${messages} m
    WHERE m.conv_id = ${conversations}.id ORDER BY m.seq DESC LIMIT 1)
  WHERE id IN (SELECT value FROM json_each(${convs}))
    AND EXISTS (SELECT 1 FROM ${messages} m WHERE m.conv_id = ${conversations}.id AND m.seq > ${conversations}.last_seq)`);

export class SqlMessageLog implements MessageLog {
  constructor(private readonly db: SqlDb) {}

  async appendEntries(batch: NewEntry[]): Promise<Appended[]> {
    // Set-based, so a batch of any size costs a handful of statements, in ONE write transaction:
    // insert the entries whose (conv, sender, clientId) is not stored yet, numbered on from their
    // conversation's highest seq in batch order, returning the seqs taken; apply an action's or a
    // membership change's effects; move last_seq up to the new highest. The seq is taken under the
    // write lock, so processes sharing the file never collide. The rows travel as one JSON
    // parameter (json_each), so the SQL text is the same for every batch of messages and D1's
    // limit of 100 parameters does not cut batches into pieces.
    const keyOf = (m: NewEntry) => `${m.conv}\n${m.sender}\n${m.clientId}`;
    // A clientId repeated within the batch: the first one counts, as if sent one after the other.
    const first = new Map<string, NewEntry>();
    for (const m of batch) if (!first.has(keyOf(m))) first.set(keyOf(m), m);
    const firsts = [...first.values()];
    // An action or membership change comes alone (LogWriter): its own guard and effects.
    const single = firsts.length === 1 ? firsts[0]! : undefined;
    const extraGuard = single && guardOf(single);
    const ranks = new Map<string, number>();
    const rows = firsts.map((m) => {
      const rank = (ranks.get(m.conv) ?? 0) + 1;
      ranks.set(m.conv, rank);
      return [
        ...[m.conv, m.id, m.sender, m.clientId, m.ts, JSON.stringify(m.body), m.body.type],
        ...["target" in m.body ? m.body.target : null, "upload" in m.body ? m.body.upload : null, rank],
      ];
    });
    const parts = jsonChunks(rows);
    const guard = extraGuard ? sql`${senderBelongs} AND ${extraGuard}` : senderBelongs;
    const exact = () => parts.map((part) => insertSql(sql`${part}`, guard));
    // Content bets that every row goes in (insertAll); where one would not, the batch fails and is
    // appended again, row by row judged. An action is judged at once (its guard refuses more often).
    let results: unknown[];
    try {
      results = await this.#append(extraGuard ? exact() : parts.map((part) => insertAll(part)), firsts, single);
    } catch (error) {
      if (extraGuard || !isConstraintFailure(error)) throw error;
      results = await this.#append(exact(), firsts, single);
    }
    const seqOf = new Map((results.slice(0, parts.length) as { id: string; seq: number }[][]).flat().map((r) => [r.id, Number(r.seq)]));
    // Not inserted: sent before with that clientId (a resend), or refused by a guard.
    // Stored entries do not change but for their folded state, which an answer does not carry.
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
      return row ? { message: toMessage(row), created: false } : null;
    });
  }

  /**
   * The append's transaction: `inserts`, the counters and effects, last_seq; what each statement
   * returned.
   */
  #append(inserts: SQL[], firsts: NewEntry[], single: NewEntry | undefined): Promise<unknown[]> {
    const convs = JSON.stringify([...new Set(firsts.map((m) => m.conv))]);
    // last: the other statements find the batch's rows as those past last_seq
    const advance = this.db.run(advanceSql(convs));
    const effects = single ? effectsOf(this.db, single) : [];
    // each member's unread and mention counters move in the same transaction
    const lists = listCountersOf(this.db, firsts, convs, single);
    const rows = inserts.map((insert) => this.db.all<{ id: string; seq: number }>(insert));
    return this.db.batch(batchOf([...rows, ...lists.before, ...effects, ...lists.after, advance]));
  }

  async entry(convId: string, seq: number): Promise<Message | null> {
    const row = await this.db.select().from(messages).where(and(eq(messages.convId, convId), eq(messages.seq, seq))).get();
    return row ? toMessage(row, {}) : null;
  }

  async referencing(uploadId: string): Promise<{ conv: string; seq: number }[]> {
    const rows = await this.db
      .select({ conv: messages.convId, seq: messages.seq })
      .from(messages)
      .where(and(eq(messages.uploadId, uploadId), eq(messages.recalled, false)))
      .limit(100);
    return rows;
  }

  async hasReacted(convId: string, seq: number, userId: string, emoji: string): Promise<boolean> {
    const row = await this.db
      .select({ seq: reactions.seq })
      .from(reactions)
      .where(and(eq(reactions.convId, convId), eq(reactions.seq, seq), eq(reactions.emoji, emoji), eq(reactions.userId, userId)))
      .get();
    return row !== undefined;
  }

  /** The stored entries of these (conv, sender, clientId) keys, by key. */
  async #stored(keys: NewEntry[]): Promise<Map<string, MessageRow>> {
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

  async history(
    convId: string,
    range: { after?: number; before?: number; limit: number; maxBytes: number; viewer: string; readable: ReadableRange },
  ): Promise<MessagePage> {
    const { after, before, limit, maxBytes, viewer, readable } = range;
    // `after` walks forward; `before`, or neither (the newest page), walks back and returns ascending.
    const forward = after !== undefined;
    const bound = forward ? gt(messages.seq, after) : before === undefined ? undefined : lt(messages.seq, before);
    // what the viewer may read, less what it cleared or hid for itself (a page skips those seqs)
    const visible = and(
      gte(messages.seq, readable.from),
      readable.to === null ? undefined : lte(messages.seq, readable.to),
      notClearedNorHidden(viewer, sql`${messages.convId}`, sql`${messages.seq}`),
    );
    const order = forward ? asc : desc;
    // Bytes are counted inside SQLite (a running sum of the bodies in walking order), so no more
    // than one page's bodies, plus the row after it (hasMore), ever reach this process.
    const size = sql<number>`length(CAST(${messages.body} AS BLOB))`;
    const walk = sql.raw(`ORDER BY seq ${forward ? "ASC" : "DESC"}`);
    const walked = this.db
      .select({
        ...getTableColumns(messages),
        size: size.as("size"),
        running: sql<number>`sum(${size}) OVER (${walk})`.as("running"),
        rank: sql<number>`row_number() OVER (${walk})`.as("rank"),
      })
      .from(messages)
      .where(and(eq(messages.convId, convId), bound, visible))
      .orderBy(order(messages.seq))
      .limit(limit + 1)
      .as("walked");
    const rows = await this.db
      .select()
      .from(walked)
      .where(sql`${walked.running} - ${walked.size} < ${maxBytes} OR ${walked.rank} <= 2`)
      .orderBy(order(walked.seq));
    // Rows while the page stays within maxBytes (the first one always); any row left over: hasMore.
    let n = 0;
    while (n < Math.min(rows.length, limit) && (n === 0 || rows[n]!.running <= maxBytes)) n++;
    const page = rows.slice(0, n);
    const counts = await this.#reactions(convId, viewer, page.filter((r) => !r.recalled && r.type !== "edit").map((r) => r.seq));
    const items = page.map((r) => toMessage(r, isContent(r) ? { reactions: counts.get(r.seq) } : undefined));
    return { items: forward ? items : items.reverse(), hasMore: rows.length > n };
  }

  /** Per entry of `seqs`: each emoji with its count, and whether the viewer is among them. */
  async #reactions(convId: string, viewer: string, seqs: number[]): Promise<Map<number, NonNullable<Reactions>>> {
    const bySeq = new Map<number, NonNullable<Reactions>>();
    if (seqs.length === 0) return bySeq;
    const rows = await this.db
      .select({
        seq: reactions.seq,
        emoji: reactions.emoji,
        count: sql<number>`count(*)`,
        me: sql<number>`max(${reactions.userId} = ${viewer})`,
      })
      .from(reactions)
      .where(and(eq(reactions.convId, convId), sql`${reactions.seq} IN (SELECT value FROM json_each(${JSON.stringify(seqs)}))`))
      .groupBy(reactions.seq, reactions.emoji)
      .orderBy(reactions.seq, desc(sql`count(*)`), reactions.emoji);
    for (const r of rows) {
      const list = bySeq.get(r.seq) ?? [];
      list.push({ emoji: r.emoji, count: Number(r.count), me: Number(r.me) === 1 });
      bySeq.set(r.seq, list);
    }
    return bySeq;
  }
}

const isContent = (r: MessageRow) => CONTENT_TYPES.has(r.type as EntryType);

/**
 * A statement failed on a constraint (NOT NULL, UNIQUE, PRIMARY KEY): SQLite's message, as libSQL,
 * D1 and a Durable Object's storage pass it on, on the error or one of its causes.
 */
function isConstraintFailure(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (/constraint failed/i.test(e.message)) return true;
  return false;
}
