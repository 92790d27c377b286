// The whole database schema, in one place. drizzle-kit generates `drizzle/*.sql` from it;
// the libSQL store (Bun) and the D1 store (Workers) both run those migrations.

import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(), // stored lower-case: usernames are case-insensitive
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_username").on(t.username)],
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
    body: text("body").notNull(), // JSON of the message body, stored as sent
  },
  (t) => [
    primaryKey({ columns: [t.convId, t.seq] }),
    uniqueIndex("messages_client_id").on(t.convId, t.senderId, t.clientId),
    uniqueIndex("messages_id").on(t.id),
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

export const schema = { users, logins, refreshTokens, conversations, members, messages, uploads };
