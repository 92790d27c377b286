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
    // A content entry's folded state, kept as its actions commit (see store/sql/entry-effects.ts).
    editedText: text("edited_text"),
    editedTs: integer("edited_ts"),
    editCount: integer("edit_count").notNull().default(0),
    recalled: integer("recalled", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.convId, t.seq] }),
    uniqueIndex("messages_client_id").on(t.convId, t.senderId, t.clientId),
    uniqueIndex("messages_id").on(t.id),
    index("messages_target").on(t.convId, t.target).where(sql`target IS NOT NULL`),
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

// Telegram's integer ids for Parley's string ids (users and conversations), allocated on first use.
export const tgAliases = sqliteTable("tg_aliases", {
  alias: integer("alias").primaryKey({ autoIncrement: true }),
  ref: text("ref").notNull().unique(),
});

export const schema = { users, logins, refreshTokens, conversations, members, messages, reactions, bots, botUpdates, tgAliases };
