// The whole database schema, in one place. drizzle-kit generates `drizzle/*.sql` from it;
// the libSQL store (Bun) and the D1 store (Workers) both run those migrations.

import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(), // stored lower-case: usernames are case-insensitive
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    /** a bot account (docs/protocol.md "Bots and integrations"): its credentials are in `bots` */
    bot: integer("bot", { mode: "boolean" }).notNull().default(false),
    /** the user who created the bot; null for people */
    ownerId: text("owner_id"),
  },
  (t) => [uniqueIndex("users_username").on(t.username), index("users_owner").on(t.ownerId).where(sql`owner_id IS NOT NULL`)],
);

// One row per login; revoking it ends every refresh token (and socket) of that login.
export const logins = sqliteTable(
  "logins",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("logins_user").on(t.userId)],
);

// Refresh tokens are stored hashed; `usedAt` set means spent (rotation), and presenting a
// spent one again revokes its login (reuse detection).
export const refreshTokens = sqliteTable("refresh_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  loginId: text("login_id").notNull(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
});

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: ["direct", "group"] }).notNull(),
    title: text("title"),
    // "userA:userB" (sorted) for direct conversations: the unique index makes "one per pair" race-free.
    directKey: text("direct_key"),
    lastSeq: integer("last_seq").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    lastActivityAt: integer("last_activity_at").notNull(),
    // Group settings, as the log's conversation_updated entries left them.
    topic: text("topic"),
    avatar: text("avatar"),
    onlyAdminsSend: integer("only_admins_send", { mode: "boolean" }).notNull().default(false),
    history: text("history", { enum: ["since_join", "all"] }).notNull().default("since_join"),
    /** the seq of the `dissolved` entry: no write after it */
    closedSeq: integer("closed_seq"),
  },
  (t) => [uniqueIndex("conversations_direct_key").on(t.directKey)],
);

export const members = sqliteTable(
  "members",
  {
    convId: text("conv_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull(),
    readSeq: integer("read_seq").notNull().default(0),
    deliveredSeq: integer("delivered_seq").notNull().default(0),
    joinedAt: integer("joined_at").notNull(),
    /** the seq of the entry that added the member (0: a member since the conversation began) */
    joinedSeq: integer("joined_seq").notNull().default(0),
    /** the seq of the entry that removed the member (who still reads up to it); null: a member */
    removedSeq: integer("removed_seq"),
    /** sends are refused until then (ms) */
    mutedUntil: integer("muted_until"),
  },
  (t) => [primaryKey({ columns: [t.convId, t.userId] }), index("members_user").on(t.userId)],
);

export const messages = sqliteTable(
  "messages",
  {
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
    id: text("id").notNull(),
    senderId: text("sender_id").notNull(),
    clientId: text("client_id").notNull(),
    ts: integer("ts").notNull(),
    body: text("body").notNull(), // JSON of the entry's body, as sent (a recall scrubs it)
    /** body.type, kept apart for counting content entries (unread) without reading bodies */
    type: text("type").notNull().default("text"),
    // The entry an action (edit, recall, reaction) changes.
    target: integer("target"),
    /** the upload a file or image entry refers to (until it is recalled): who may download it */
    uploadId: text("upload_id"),
    // A content entry's folded state, kept as its actions commit (see store/sql/entry-effects.ts).
    editedText: text("edited_text"),
    editedTs: integer("edited_ts"),
    editCount: integer("edit_count").notNull().default(0),
    recalled: integer("recalled", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.convId, t.seq] }),
    // client_id first: clients make time-ordered (UUIDv7) ids, so a commit's new keys all go to the
    // index's right edge (one leaf for the whole batch) instead of one leaf per conversation.
    // Every lookup is by all three columns, so the order serves them as well.
    uniqueIndex("messages_client_id").on(t.clientId, t.convId, t.senderId),
    // No index on id: nothing looks an entry up by it but the append's own statements, which find
    // the batch's new rows by (conv_id, seq > last_seq) (entry-effects.ts appended). One b-tree
    // insert less per row: CPU per message of appendEntries, interleaved in one process, 50
    // conversations, empty log: 41.1 → 39.6 µs (batches of 250), 78.4 → 75.4 (20); 5M entries:
    // 48.3 → 47.2 (250), 97.9 → 98.7 (20, within noise). The index was 191 MiB of a 1.5 GB file
    // at 5M entries; dropping it took 3.4 s there.
    index("messages_target").on(t.convId, t.target).where(sql`target IS NOT NULL`),
    index("messages_upload").on(t.uploadId).where(sql`upload_id IS NOT NULL`),
  ],
);

// Who reacts with what to which content entry now: the fold of the log's reaction entries.
export const reactions = sqliteTable(
  "reactions",
  {
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
    emoji: text("emoji").notNull(),
    userId: text("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.convId, t.seq, t.emoji, t.userId] })],
);

// The full-text index (docs/protocol.md "Search"): one row per content entry with text, numbered
// for the FTS5 table `search_index` (a virtual table, created by drizzle/0003_search.sql; its
// rowid is this table's), and how far each conversation's log has been indexed.
export const searchRows = sqliteTable(
  "search_rows",
  {
    id: integer("id").primaryKey(),
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
    senderId: text("sender_id").notNull(),
    ts: integer("ts").notNull(),
  },
  // No index on ts: the id is numbered by time (sql/search.ts), and a search walks the FTS5 match
  // in id order, newest first.
  (t) => [uniqueIndex("search_rows_entry").on(t.convId, t.seq)],
);

export const searchPositions = sqliteTable("search_positions", {
  convId: text("conv_id").primaryKey(),
  /** entries up to this seq are in the index */
  seq: integer("seq").notNull(),
});

// Contacts (src/store/sql/contacts.ts). One friend request per sender and recipient: a new one
// replaces a settled one, so repeating requests never grows the table.
export const friendRequests = sqliteTable(
  "friend_requests",
  {
    id: text("id").primaryKey(),
    fromId: text("from_id").notNull(),
    toId: text("to_id").notNull(),
    note: text("note"),
    status: text("status", { enum: ["pending", "accepted", "rejected", "cancelled"] }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("friend_requests_pair").on(t.fromId, t.toId),
    index("friend_requests_from").on(t.fromId, t.status, t.createdAt),
    index("friend_requests_to").on(t.toId, t.status, t.createdAt),
  ],
);

// A friendship is two rows, one per side, so each user's list is one range of the key.
export const friendships = sqliteTable(
  "friendships",
  {
    userId: text("user_id").notNull(),
    friendId: text("friend_id").notNull(),
    since: integer("since").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.friendId] }), index("friendships_since").on(t.userId, t.since)],
);

export const blocks = sqliteTable(
  "blocks",
  {
    blockerId: text("blocker_id").notNull(),
    blockedId: text("blocked_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.blockerId, t.blockedId] }),
    index("blocks_since").on(t.blockerId, t.createdAt),
    // "who blocked this user", for the checks that work both ways
    index("blocks_blocked").on(t.blockedId),
  ],
);

// Uploaded files (the bytes are in a BlobStore under the id). `owner_id, created_at` serves the
// daily quota: the bytes a user uploaded since a time.
export const uploads = sqliteTable(
  "uploads",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    name: text("name").notNull(),
    size: integer("size").notNull(),
    mime: text("mime").notNull(),
    sha256: text("sha256").notNull(),
    width: integer("width"),
    height: integer("height"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("uploads_owner_created").on(t.ownerId, t.createdAt)],
);

// ---- bots (src/core/bots.ts, src/store/sql/bots.ts) ------------------------------------------

// A bot's credentials and delivery settings; the bot itself is a row of `users` (bot = true).
export const bots = sqliteTable(
  "bots",
  {
    id: text("id").primaryKey(),
    /** sha256 of the token: the token itself is shown once and never stored */
    tokenHash: text("token_hash").notNull(),
    scopes: text("scopes").notNull(), // JSON array of read | send | manage
    events: text("events").notNull(), // JSON array of the event types it receives
    createdAt: integer("created_at").notNull(),
    webhookUrl: text("webhook_url"),
    webhookSecret: text("webhook_secret"),
    /** parley: the event as JSON, signed; telegram: a Telegram Update (set by setWebhook) */
    webhookFormat: text("webhook_format", { enum: ["parley", "telegram"] }),
    lastError: text("last_error"),
    lastErrorAt: integer("last_error_at"),
  },
  (t) => [uniqueIndex("bots_token_hash").on(t.tokenHash)],
);

// The outbox: every event for a bot, in order, until it is confirmed (GET /v1/updates offset) or
// delivered (webhook). A delivery that kept failing for the retry window stays as `failed`.
export const botUpdates = sqliteTable(
  "bot_updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    botId: text("bot_id").notNull(),
    /** the conversation ("" for none): a failing webhook delivery holds back the later ones of it */
    convKey: text("conv_key").notNull(),
    /** the event as delivered, without its id (JSON) */
    payload: text("payload").notNull(),
    createdAt: integer("created_at").notNull(),
    state: text("state", { enum: ["pending", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** when a webhook delivery is due (retries move it on) */
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
  },
  (t) => [index("bot_updates_bot").on(t.botId, t.id), index("bot_updates_conv").on(t.botId, t.convKey, t.state, t.id)],
);

// How far each bot's outbox has come in each of its conversations: the last entry whose event
// was appended for the bot (or was not for it), written in the same transaction as the append.
// After a crash between a commit and the append, the sink catches up from here on start.
export const botPositions = sqliteTable(
  "bot_positions",
  {
    botId: text("bot_id").notNull(),
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.botId, t.convId] })],
);

// Telegram's integer ids for Parley's string ids (users and conversations), allocated on first use.
export const tgAliases = sqliteTable("tg_aliases", {
  alias: integer("alias").primaryKey({ autoIncrement: true }),
  ref: text("ref").notNull().unique(),
});

// ---- each user's conversation list (src/store/sql/conversation-list.ts) --------------------------

// A member's own view of one conversation: its settings, what it cleared, and the unread and
// mention counters, kept as entries commit (in the append's transaction) so that listing never
// counts. A row appears with the conversation's first entry (or the member's join).
export const conversationLists = sqliteTable(
  "conversation_lists",
  {
    userId: text("user_id").notNull(),
    convId: text("conv_id").notNull(),
    pinned: integer("pinned", { mode: "boolean" }).notNull().default(false),
    mutedUntil: integer("muted_until"),
    archived: integer("archived", { mode: "boolean" }).notNull().default(false),
    hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
    clearedSeq: integer("cleared_seq").notNull().default(0),
    /** the counters count entries after this seq: the furthest of the read marker, the clear and the join */
    countedFrom: integer("counted_from").notNull().default(0),
    unread: integer("unread").notNull().default(0),
    mentions: integer("mentions").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.convId] })],
);

// Entries a user hid (POST …/messages/:seq/hide), above what it cleared; capped per conversation.
export const hiddenEntries = sqliteTable(
  "hidden_entries",
  {
    userId: text("user_id").notNull(),
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.convId, t.seq] })],
);

// ---- push notifications (src/core/push-notifier.ts, src/store/sql/push.ts) -----------------

// One row per device that asked for notifications. An endpoint belongs to one user at a time (the
// browser's latest login): subscribing it again moves it.
export const pushSubscriptions = sqliteTable(
  "push_subscriptions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    endpoint: text("endpoint").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("push_subscriptions_endpoint").on(t.endpoint), index("push_subscriptions_user").on(t.userId, t.createdAt)],
);

// The notification a user has outstanding per conversation (one until read): `seq` is the entry
// it was for; a read at or past it removes the row (and the notification, by a `clear` push).
export const pushOutstanding = sqliteTable(
  "push_outstanding",
  {
    userId: text("user_id").notNull(),
    convId: text("conv_id").notNull(),
    seq: integer("seq").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.convId] })],
);

export const schema = {
  users,
  logins,
  refreshTokens,
  conversations,
  members,
  messages,
  reactions,
  searchRows,
  searchPositions,
  friendRequests,
  friendships,
  blocks,
  uploads,
  bots,
  botUpdates,
  botPositions,
  tgAliases,
  conversationLists,
  hiddenEntries,
  pushSubscriptions,
  pushOutstanding,
};
