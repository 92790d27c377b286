// The bots' outbox: every event for a bot in the order it was appended (ids increase), kept until
// the bot confirms it (long polling) or its webhook took it; a delivery that kept failing is kept
// apart as failed. Old and surplus events are dropped (retention, src/core/bot-events.ts).
import type { BotEvent, BotEventBody } from "../../schema/bots.ts";
import type { Webhook } from "./bots.ts";

export interface OutboxRow {
  botId: string;
  /** the conversation, "" for none: webhook deliveries are in order per (bot, convKey) */
  convKey: string;
  event: BotEventBody;
  /** an entry's seq: the row is left out when the bot's position in convKey already reached it */
  seq?: number;
}

/** An entry's event reached a bot's outbox, or was not for it: the bot's position in `conv`. */
export interface Reached {
  botId: string;
  conv: string;
  seq: number;
}

/** A bot whose position in a conversation is behind the conversation's log (see catch-up in bot-events.ts). */
export interface BehindBot {
  botId: string;
  conv: string;
  /** its position: the entries after it have not reached its outbox */
  after: number;
  /** the last entry it may read there (its removal, or the log's end) */
  to: number;
}

/** A webhook delivery that is due: the first pending event of its conversation. */
export interface DueDelivery {
  event: BotEvent;
  botId: string;
  attempts: number;
  /** when the event was appended: retries end `retryForMs` after it */
  createdAt: number;
  webhook: Webhook;
}

export interface OutboxLimits {
  /** pending events kept per bot: the oldest beyond it are dropped */
  maxPerBot: number;
  /** pending events older than this (ms epoch) are dropped */
  pendingSince: number;
  /** failed deliveries older than this are dropped */
  failedSince: number;
}

export interface BotOutbox {
  /**
   * Appends in order and moves the positions in `reached` forward (one transaction), leaving out
   * rows of entries the bot's position already passed; drops what the limits say, for the bots
   * concerned.
   */
  append(rows: OutboxRow[], now: number, limits: OutboxLimits, reached?: Reached[]): Promise<void>;
  /** Bots (not deleted) whose position in a conversation they are or were in (or in `conv`) is behind its log; at most `limit`. */
  behind(limit: number, conv?: string): Promise<BehindBot[]>;
  /** The positions of these bots in `conv` (a bot without one is left out). */
  positions(conv: string, botIds: string[]): Promise<Map<string, number>>;
  /** Pending events with id >= offset, oldest first, appended after `since`. */
  pending(botId: string, offset: number, limit: number, since: number): Promise<BotEvent[]>;
  /** Confirms (drops) the bot's pending events below `offset`. */
  confirm(botId: string, offset: number): Promise<void>;
  countPending(botId: string, since: number): Promise<number>;
  /** Per (bot with a webhook, conversation), the first pending event, when it is due at `now`. */
  dueDeliveries(now: number, limit: number, botId?: string): Promise<DueDelivery[]>;
  /** When the next head of a conversation is due (null: nothing pending for a webhook). */
  nextDue(botId?: string): Promise<number | null>;
  delivered(id: number): Promise<void>;
  retryAt(id: number, at: number, error: string): Promise<void>;
  failed(id: number, error: string): Promise<void>;
  failures(botId: string, limit: number): Promise<{ event: BotEvent; attempts: number; lastError: string | null }[]>;
  /** Drops everything past its retention (all bots). */
  prune(limits: OutboxLimits): Promise<void>;
}
