// Bots as stored: the bot is a row of users (bot = true, its owner), its token only as a hash,
// its scopes, the events it receives and its webhook; and Telegram's integer aliases of ids.
import type { EventType, Scope } from "../../schema/bots.ts";
import type { UserRecord } from "./users.ts";

export interface Webhook {
  url: string;
  /** HMAC key (parley format) or the secret_token sent back as is (telegram format) */
  secret: string | null;
  format: "parley" | "telegram";
}

export interface BotRecord {
  id: string;
  username: string;
  displayName: string;
  ownerId: string;
  /** sha256 of the current token */
  tokenHash: string;
  scopes: Scope[];
  events: EventType[];
  createdAt: number;
  webhook: Webhook | null;
  lastError: string | null;
  lastErrorAt: number | null;
}

/** What the event sink needs to know of a bot among an event's recipients. */
export interface BotTarget {
  id: string;
  events: EventType[];
  webhook: boolean;
}

export interface BotStore {
  /** Creates the bot's user row and its bot row together; false when the username is taken. */
  createBot(user: UserRecord, bot: { tokenHash: string; scopes: Scope[]; events: EventType[] }): Promise<boolean>;
  bot(id: string): Promise<BotRecord | null>;
  botsOf(ownerId: string): Promise<BotRecord[]>;
  /** The bot a token hash belongs to, with its scopes; null for an unknown or replaced token. */
  botByTokenHash(hash: string): Promise<{ id: string; scopes: Scope[] } | null>;
  setTokenHash(id: string, hash: string): Promise<void>;
  /** The bot's credentials, webhook and outbox go; its user row stays (its entries name it). */
  deleteBot(id: string): Promise<void>;
  setWebhook(id: string, webhook: Webhook | null, events?: EventType[]): Promise<void>;
  recordError(id: string, error: string | null, at: number | null): Promise<void>;
  /** Those of `ids` that are bots (users.bot): never changes for an id, so callers may cache it. */
  botIdsAmong(ids: string[]): Promise<string[]>;
  /** The current settings of these bots (deleted ones are left out). */
  targets(ids: string[]): Promise<BotTarget[]>;
  /** Telegram's integer alias of a user or conversation id, allocated on first use. */
  alias(ref: string): Promise<number>;
  /** The id an alias stands for; null when none. */
  refOf(alias: number): Promise<string | null>;
}
