// What is called on the Durable Objects (DO RPC), as interfaces: the bindings (env.ts) and the
// callers (objects.ts) know the objects by these, never by their classes, which implement them.
// Only the message of an Error survives the trip, so the domain's AppError travels as a value
// (Outcome) and is thrown again on the caller's side (objects.ts).
import type { PresenceStatus } from "../../core/presence.ts";
import type { ErrorCode } from "../../schema/errors.ts";
import type { GroupService } from "../../core/groups.ts";
import type { MessageService } from "../../core/messages.ts";
import type { Message, MessagePage } from "../../schema/messages.ts";
import type { MessageLog } from "../../core/store/message-log.ts";
import type { StoredSearchHit, SearchStore } from "../../core/store/search.ts";
import type { ConversationListStore, SettingsChanges } from "../../core/store/conversation-list.ts";
import type { Conversation, ConversationSummary, ReceiptState } from "../../schema/conversations.ts";

export type Outcome<T> = { ok: T } | { error: { code: ErrorCode; message: string; details?: unknown } };

/** A service's methods as RPC: the same arguments, the answer as an Outcome. */
type Remote<S> = { [K in keyof S]: S[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<Outcome<R>> : never };

/**
 * One per conversation (conversation-object.ts): the single writer of its log (every write of
 * MessageService and GroupService), and its fan-out.
 */
export interface ConversationRpc
  extends Rpc.DurableObjectBranded,
    Remote<Omit<MessageService, "history">>,
    Remote<GroupService> {
  /** Something changed between the two users of this direct conversation (a block, a friendship): its sends look again. */
  pairChanged(a: string, b: string): Promise<void>;
  // Reads of the log kept in the object (LOG_PLACEMENT=object; remote-log.ts), as the store answers them.
  readHistory(conv: string, range: Parameters<MessageLog["history"]>[1]): Promise<MessagePage>;
  readEntry(conv: string, seq: number): Promise<Message | null>;
  hasReacted(conv: string, seq: number, userId: string, emoji: string): Promise<boolean>;
  readReferencing(conv: string, uploadId: string): Promise<{ conv: string; seq: number }[]>;
  readSearch(conv: string, ...args: Parameters<SearchStore["search"]>): Promise<StoredSearchHit[]>;
  readReceipts(conv: string): Promise<ReceiptState>;
  readConversation(conv: string): Promise<Conversation | null>;
  readSummary(conv: string, userId: string): Promise<{ summary: ConversationSummary; lastActivityAt: number } | null>;
  // Each member's row of the conversation list, kept in the object (LOG_PLACEMENT=object; remote-list.ts).
  readListSettings(conv: string, userId: string): ReturnType<ConversationListStore["settings"]>;
  updateListSettings(conv: string, userId: string, changes: SettingsChanges): ReturnType<ConversationListStore["updateSettings"]>;
  clearList(conv: string, userId: string, seq: number): ReturnType<ConversationListStore["clear"]>;
  hideEntry(conv: string, userId: string, seq: number, max: number): ReturnType<ConversationListStore["hide"]>;
}

/** One per user (user-object.ts): that user's sockets; WebSocket upgrades arrive by fetch(). */
export interface UserRpc extends Rpc.DurableObjectBranded {
  /** A committed message, serialised once by its conversation; `sourceConnection` gets no echo. */
  deliver(userId: string, message: Message, text: string, sourceConnection?: string): Promise<void>;
  /** A receipt, typing or presence frame; `except` is the connection that caused it. */
  notify(userId: string, text: string, except?: string): Promise<void>;
  /** The user was added to `conv`: its sockets get `text` (the conversation), then the log from `from`. */
  join(userId: string, conv: string, text: string, from: number): Promise<void>;
  /** GET /v1/presence, for this object's user. */
  presence(userId: string): Promise<PresenceStatus>;
  /** The user's lines of these conversations of its list (LOG_PLACEMENT=object; user-list.ts). */
  listLines(userId: string, convs: string[]): Promise<({ summary: ConversationSummary; lastActivityAt: number } | null)[]>;
  /** A revoked login: its sockets close (4010), and a hello racing the revocation is refused. */
  kickLogin(loginId: string): Promise<void>;
}

/** One per bot (bot-object.ts): its webhook deliveries. */
export interface BotRpc extends Rpc.DurableObjectBranded {
  /** events were appended for the bot, or its webhook changed: deliver what is due */
  poke(botId: string): Promise<void>;
}
