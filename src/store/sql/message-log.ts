// Each conversation's message log on drizzle: the batched, gapless append and history pages.
import { and, asc, desc, eq, getTableColumns, gt, lt, sql } from "drizzle-orm";
import type { MessageLog, NewMessage } from "../../core/store/message-log.ts";
import type { Message, MessageBody, MessagePage } from "../../schema/messages.ts";
import { conversations, messages } from "../schema.ts";
import { batchOf, jsonChunks, type SqlDb } from "./db.ts";

type MessageRow = typeof messages.$inferSelect;

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  conv: r.convId,
  seq: r.seq,
  sender: r.senderId,
  ts: r.ts,
  clientId: r.clientId,
  body: JSON.parse(r.body) as MessageBody,
});

export class SqlMessageLog implements MessageLog {
  constructor(private readonly db: SqlDb) {}

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

  async history(convId: string, range: { after?: number; before?: number; limit: number; maxBytes: number }): Promise<MessagePage> {
    const { after, before, limit, maxBytes } = range;
    // `after` walks forward; `before`, or neither (the newest page), walks back and returns ascending.
    const forward = after !== undefined;
    const bound = forward ? gt(messages.seq, after) : before === undefined ? undefined : lt(messages.seq, before);
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
      .where(and(eq(messages.convId, convId), bound))
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
    const items = rows.slice(0, n).map(toMessage);
    return { items: forward ? items : items.reverse(), hasMore: rows.length > n };
  }

}
