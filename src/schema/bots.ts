// Bots and integrations (docs/protocol.md "Bots and integrations"): bot accounts and their
// tokens, the events a bot receives (one model for webhooks, long polling and the Telegram
// surface), webhooks and long polls.
import { z } from "zod";
import { Username } from "./accounts.ts";
import { Conversation } from "./conversations.ts";
import { Message } from "./messages.ts";
import { chars } from "./text.ts";

export const Scope = z.enum(["read", "send", "manage"]);
export type Scope = z.infer<typeof Scope>;
export const DEFAULT_SCOPES: readonly Scope[] = ["read", "send"];

/** What a bot can be told of: log entries, conversations opened with it or joined, receipts. */
export const EventType = z.enum(["entry", "conversation", "receipt"]);
export type EventType = z.infer<typeof EventType>;
export const DEFAULT_EVENTS: readonly EventType[] = ["entry", "conversation"];

const Scopes = z.array(Scope).min(1).max(3).transform((s) => [...new Set(s)]);
const Events = z.array(EventType).min(1).max(3).transform((e) => [...new Set(e)]);

export const CreateBotRequest = z.object({
  username: Username,
  displayName: chars(1, 64, z.string().trim()).optional(),
  scopes: Scopes.optional().meta({ description: "default read + send" }),
  events: Events.optional().meta({ description: "default entry + conversation; receipts only when asked" }),
});

export const Bot = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    bot: z.literal(true),
    owner: z.string(),
    scopes: z.array(Scope),
    events: z.array(EventType),
    createdAt: z.number().int(),
  })
  .meta({ id: "Bot" });
export type Bot = z.infer<typeof Bot>;

export const BotWithToken = z
  .object({ bot: Bot, token: z.string().meta({ description: "shown once: only its hash is stored" }) })
  .meta({ id: "BotWithToken" });
export const BotList = z.object({ items: z.array(Bot) }).meta({ id: "BotList" });
export const BotParams = z.object({ id: z.string().min(1).max(64) });

// ---- events ------------------------------------------------------------------------------------

/** The receipt a bot sees: `user` has received or read its conversation up to `seq`. */
const ReceiptInfo = z.object({ user: z.string(), kind: z.enum(["delivered", "read"]), seq: z.number().int() });

/** An event without its id, as the outbox stores it. */
export const BotEventBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("entry"), ts: z.number().int(), conv: z.string(), entry: Message }),
  z.object({ type: z.literal("conversation"), ts: z.number().int(), conv: z.string(), conversation: Conversation }),
  z.object({ type: z.literal("receipt"), ts: z.number().int(), conv: z.string(), receipt: ReceiptInfo }),
]);
export type BotEventBody = z.infer<typeof BotEventBody>;

export const BotEvent = z
  .intersection(z.object({ id: z.number().int().meta({ description: "increasing per bot; stable across retries" }) }), BotEventBody)
  .meta({ id: "BotEvent" });
export type BotEvent = { id: number } & BotEventBody;

// ---- long polling ------------------------------------------------------------------------------

export const MAX_POLL_TIMEOUT_S = 50;
export const UpdatesQuery = z.object({
  offset: z.coerce.number().int().min(0).optional().meta({ description: "confirms (drops) every event with a lower id" }),
  limit: z.coerce.number().int().min(1).max(100).default(100),
  timeout: z.coerce.number().int().min(0).max(MAX_POLL_TIMEOUT_S).default(0).meta({ description: "seconds to wait for an event" }),
});
export const UpdateList = z.object({ items: z.array(BotEvent) }).meta({ id: "UpdateList" });

// ---- webhooks ----------------------------------------------------------------------------------

export const MAX_WEBHOOK_URL = 2048;
export const SetWebhookRequest = z.object({
  url: z.string().url().max(MAX_WEBHOOK_URL),
  secret: z.string().min(16).max(256).meta({ description: "the HMAC-SHA256 key of Parley-Signature" }),
  events: Events.optional(),
});
export const WebhookInfo = z
  .object({
    url: z.string().nullable(),
    events: z.array(EventType),
    pending: z.number().int(),
    lastError: z.string().nullable(),
    lastErrorAt: z.number().int().nullable(),
  })
  .meta({ id: "WebhookInfo" });
export type WebhookInfo = z.infer<typeof WebhookInfo>;
export const WebhookFailure = z
  .object({ event: BotEvent, attempts: z.number().int(), lastError: z.string().nullable() })
  .meta({ id: "WebhookFailure" });
export const WebhookFailureList = z.object({ items: z.array(WebhookFailure) });
