// What the domain needs from the outside world. Adapters implement these: the libSQL/D1 store,
// the memory/Upstash presence, Bun.password/WebCrypto hashing, jose tokens.
import type { Conversation, ConversationSummary, ReceiptState, Role } from "../schema/conversations.ts";
import type { Message, MessageBody, MessagePage } from "../schema/messages.ts";

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export type RefreshOutcome = "rotated" | "reused" | "unknown" | "expired" | "revoked";

/** A message as handed to the store for appending; the store assigns `seq`. */
export interface NewMessage {
  id: string;
  conv: string;
  sender: string;
  clientId: string;
  ts: number;
  body: MessageBody;
}

export interface Store {
  // users
  /** false when the username is taken */
  createUser(user: UserRecord): Promise<boolean>;
  userByUsername(username: string): Promise<UserRecord | null>;
  userById(id: string): Promise<UserRecord | null>;
  setPasswordHash(userId: string, hash: string): Promise<void>;
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;

  // logins and refresh tokens (hashes only)
  createLogin(login: { id: string; userId: string; createdAt: number }, refresh: { hash: string; expiresAt: number }): Promise<void>;
  /** Spends `oldHash` and stores `next` in one step; a spent token revokes its login. */
  rotateRefreshToken(oldHash: string, next: { hash: string; expiresAt: number }, now: number): Promise<{ outcome: RefreshOutcome; loginId?: string; userId?: string }>;
  revokeLogin(loginId: string, now: number): Promise<void>;
  isLoginActive(loginId: string): Promise<boolean>;

  // conversations
  /** Creates the direct conversation of a pair unless it exists; returns the one that stands. */
  createDirect(conv: { id: string; directKey: string; createdAt: number }, userIds: [string, string]): Promise<{ id: string; created: boolean }>;
  createGroup(conv: { id: string; title: string; createdAt: number }, members: { userId: string; role: Role }[]): Promise<void>;
  conversation(id: string): Promise<Conversation | null>;
  role(convId: string, userId: string): Promise<Role | null>;
  memberIds(convId: string): Promise<string[]>;
  listConversations(userId: string): Promise<ConversationSummary[]>;
  existingUserIds(ids: string[]): Promise<string[]>;
  /** Everyone who shares at least one conversation with the user (not the user). */
  contactIds(userId: string): Promise<string[]>;

  // messages
  /**
   * Appends a batch in ONE transaction: each new message gets the next seq of its conversation;
   * a (conv, sender, clientId) already stored yields the stored message instead (created=false).
   * Resolves only after the commit.
   */
  appendMessages(batch: NewMessage[]): Promise<{ message: Message; created: boolean }[]>;
  history(convId: string, range: { after?: number; before?: number; limit: number }): Promise<MessagePage>;

  // receipts: cumulative markers that never move back
  markRead(convId: string, userId: string, seq: number): Promise<{ readSeq: number; unread: number }>;
  markDelivered(convId: string, userId: string, seq: number): Promise<number>;
  receipts(convId: string): Promise<ReceiptState>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `rehash` is true when the hash is valid but not in this hasher's preferred form. */
  verify(password: string, hash: string): Promise<{ ok: boolean; rehash: boolean }>;
}

export interface AccessClaims {
  userId: string;
  loginId: string;
}

export interface TokenSigner {
  readonly accessTtlSeconds: number;
  sign(claims: AccessClaims): Promise<string>;
  /** null for any token that is not valid now (bad signature, alg, audience, issuer, expired) */
  verify(token: string): Promise<AccessClaims | null>;
}

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
