// What a conversation's Durable Object keeps in its own SQLite storage when the log lives there
// (LOG_PLACEMENT=object, src/adapter/workers/conversation-log.ts): the same tables as the shared
// database, so the same SQL (src/store/sql/message-log.ts, entry-effects.ts, receipts.ts) runs
// on both. Each object's tables hold one conversation:
// - messages, reactions: its log and the folded state of its entries;
// - members: who belongs in which role (what writes are judged on, inside the commit), and each
//   member's read/delivered positions;
// - conversations: its one row: settings, last_seq, closed_seq;
// - search_rows, search_positions and the FTS5 table search_index (a virtual table, created by
//   drizzle/log/0001_search.sql): its full-text index (src/store/sql/search.ts);
// - conversation_lists, hidden_entries: each member's counters, which the append moves in its
//   transaction (src/store/sql/list-counters.ts), and what it cleared or hid.
// drizzle-kit generates drizzle/log/*.sql from this file (drizzle.log.config.ts); the object
// applies them when it wakes.
export { conversationLists, conversations, hiddenEntries, members, messages, reactions, searchPositions, searchRows } from "./schema.ts";
