// Each user's conversation list kept by the user's object under LOG_PLACEMENT=object (#10.3), in
// its own storage: one line per conversation, as its conversation's object would answer it
// (readSummary: last entry, lastSeq, readSeq, unread, mentions and the member's settings), so a
// list is one call to this object, never one per conversation.
//
// A line follows the events this object already receives from each conversation, in commit order:
// - an entry whose seq follows the line's: last entry and activity; a content entry from someone
//   else adds to unread (and mentions, if it names this user or all) and brings a hidden
//   conversation back, exactly as the append does in the conversation's object (list-counters.ts);
// - an entry it already has (a retried delivery): nothing;
// - anything else makes the line stale: an entry past a gap (a delivery that failed, an object
//   evicted between two), a recall (which counters it takes back depends on its target), a
//   membership change, a join, a `settings` frame (a read, clear, hide or setting: its counters
//   may be older than entries already applied here, so they are not taken over).
// A stale or missing line is repaired when it is next read, from its conversation's object (the
// only writer of its state); the repair is stored only if nothing changed the line meanwhile and
// no entry past it arrived, so a stored line is never older than what this object has seen. A
// line thus lags its conversation only by the deliveries still on their way (as the live frames do).
import { isContent } from "../../schema/entries.ts";
import type { Message } from "../../schema/messages.ts";
import { fanOut } from "./fan-out.ts";
import type { ListLine } from "./remote-list.ts";

/** Entries after which the line is read again: they take back counts or change who counts. */
const REREAD = new Set(["recall", "members_added", "member_removed"]);

const SCHEMA = `CREATE TABLE IF NOT EXISTS list_lines (
  conv TEXT PRIMARY KEY,
  line TEXT,                  -- JSON ListLine; null: never read from its conversation
  stale INTEGER NOT NULL,
  seen INTEGER NOT NULL,      -- the highest seq delivered here
  version INTEGER NOT NULL    -- moved by every change but a stale line's entries (which move seen)
)`;

type Row = { line: string | null; stale: number; seen: number; version: number };

const mentionsOf = (message: Message): unknown => (message.body as { mentions?: unknown }).mentions;

export class UserList {
  readonly #sql: SqlStorage;
  /** the conversation object's line of `userId` (readSummary) */
  readonly #read: (conv: string, userId: string) => Promise<ListLine | null>;

  constructor(sql: SqlStorage, read: (conv: string, userId: string) => Promise<ListLine | null>) {
    this.#sql = sql;
    this.#read = read;
    sql.exec(SCHEMA);
  }

  #row(conv: string): Row | undefined {
    return this.#sql.exec<Row>("SELECT line, stale, seen, version FROM list_lines WHERE conv = ?", conv).toArray()[0];
  }

  #write(conv: string, line: ListLine | null, stale: boolean, seen: number): void {
    this.#sql.exec(
      `INSERT INTO list_lines (conv, line, stale, seen, version) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT (conv) DO UPDATE SET line = coalesce(excluded.line, line), stale = excluded.stale, seen = max(seen, excluded.seen), version = version + 1`,
      conv,
      line && JSON.stringify(line),
      Number(stale),
      seen,
    );
  }

  /** A committed entry of `message.conv`, delivered to `userId` (this object's user). */
  entry(userId: string, message: Message): void {
    const row = this.#row(message.conv);
    const line = row?.line && !row.stale ? (JSON.parse(row.line) as ListLine) : null;
    const s = line?.summary;
    if (s && message.seq <= s.lastSeq) return;
    const reread = REREAD.has(message.body.type);
    // stale or unknown: the repair reads it; only remember how far the deliveries went
    if (!s && !reread) return this.#saw(message.conv, message.seq);
    if (!line || !s || message.seq !== s.lastSeq + 1 || reread) return this.#write(message.conv, null, true, message.seq);
    s.lastSeq = message.seq;
    s.lastMessage = message;
    if (isContent(message.body) && message.sender !== userId) {
      s.unread += 1;
      const named = mentionsOf(message);
      if (Array.isArray(named) && (named.includes(userId) || named.includes("all"))) s.mentions += 1;
      s.hidden = false;
    }
    this.#write(message.conv, { summary: s, lastActivityAt: Math.max(line.lastActivityAt, message.ts) }, false, message.seq);
  }

  /** An entry delivered while the line is stale or unknown: a repair that read the line before it is not stored. */
  #saw(conv: string, seq: number): void {
    this.#sql.exec(
      "INSERT INTO list_lines (conv, line, stale, seen, version) VALUES (?, NULL, 1, ?, 0) ON CONFLICT (conv) DO UPDATE SET seen = max(seen, excluded.seen)",
      conv,
      seq,
    );
  }

  /** Something changed the user's line of `conv` that is read again from its conversation. */
  changed(conv: string): void {
    this.#write(conv, null, true, 0);
  }

  /** The user's lines of these conversations, stale and missing ones read from their objects. */
  async lines(userId: string, convs: readonly string[]): Promise<(ListLine | null)[]> {
    return fanOut(convs, async (conv) => {
      const row = this.#row(conv);
      if (row?.line && !row.stale) return JSON.parse(row.line) as ListLine;
      const line = await this.#read(conv, userId);
      const now = this.#row(conv);
      // Stored only if, while it was read, nothing changed the line (a setting, a read, a join, a
      // recall, a membership change) and no entry past it arrived: then it is the line as of now.
      if (line && (now?.version ?? 0) === (row?.version ?? 0) && (now?.seen ?? 0) <= line.summary.lastSeq) {
        this.#write(conv, line, false, line.summary.lastSeq);
      }
      return line;
    });
  }
}
