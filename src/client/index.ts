// The Parley client SDK: runs in browsers, Bun, Deno, Workers and Node 22+ (fetch, WebSocket,
// Web Crypto and timers only).
export { ParleyClient } from "./client.ts";
export { newClientId } from "./client-ids.ts";
export type { ConnectionState, ParleyClientOptions, ParleyEvents, SendResult } from "./client.ts";
export { ParleyHttp } from "./http.ts";
export type { FetchLike, HistoryRange, HttpAuth, ListFilter, LoginInput, PageRange, PushSubscribeInput, RegisterInput, SearchFilters } from "./http.ts";
export { ParleyError } from "./errors.ts";
export { MemoryStorage, WebStorage } from "./storage.ts";
export type { ClientStorage, PendingSend } from "./storage.ts";
export type { TokenProvider, TokenReason, Tokens } from "./auth.ts";
export type { BackoffOptions } from "./backoff.ts";
export { backoffDelay } from "./backoff.ts";
export type { StartFrom } from "./ordering.ts";
export type { WebSocketLike } from "./socket.ts";
// The wire shapes, defined once in src/schema.
export type { AuthResponse, User } from "../schema/accounts.ts";
export type { Contact, ContactChange, CreateFriendRequest, FriendRequest, Page } from "../schema/contacts.ts";
export type { ConversationSettings, SettingsChange, SettingsRequest, UnreadTotals } from "../schema/conversation-list.ts";
export type { Conversation, ConversationSummary, CreateConversationRequest, ReceiptState } from "../schema/conversations.ts";
export type { ConversationChanges, EntryBody, SendBody } from "../schema/entries.ts";
export type { Message, MessagePage } from "../schema/messages.ts";
export type { ClientFrame, ServerFrame, ServerFrameOf } from "../schema/frames.ts";
export type { PresenceItem } from "../schema/presence.ts";
export type { SearchPage } from "../schema/search.ts";
export type { SignedUrl, Upload } from "../schema/uploads.ts";
