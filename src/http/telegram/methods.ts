// The Telegram Bot API methods Parley answers, each on the domain services as the bot: the same
// rules as /v1 (membership, scopes, windows), Telegram's shapes (view.ts) on the way out.
import { z } from "zod";
import { invalid } from "../../core/errors.ts";
import { newId } from "../../core/random.ts";
import type { Services } from "../../core/services.ts";
import { allowedUpdate } from "../../core/telegram/view.ts";
import { MAX_POLL_TIMEOUT_S } from "../../schema/bots.ts";

export interface MethodCall {
  services: Services;
  botId: string;
  token: string;
  signal: AbortSignal;
}

/** Numbers and booleans arrive as text in forms and query strings; objects as JSON text. */
const num = z.coerce.number().int();
const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const jsonText = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" ? safeJson(v) : v), schema);
const ChatId = num.refine((n) => n !== 0, "chat not found");
const Text = z.string().min(1, "message text is empty").max(16_000, "message is too long");
const Updates = jsonText(z.array(z.string()));

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const method = <S extends z.ZodObject>(params: S, run: (call: MethodCall, p: z.infer<S>) => Promise<unknown>) => ({ params, run });

/** The conversation a chat_id names; a private chat is the bot's direct conversation with that user. */
async function conversationOf(call: MethodCall, chatId: number): Promise<string> {
  const chat = await call.services.telegram.chatRef(chatId);
  if (chat.kind === "group") return chat.id;
  if (chat.id === call.botId) throw invalid("chat not found", { chat_id: chatId });
  return (await call.services.conversations.create(call.botId, { kind: "direct", with: chat.id })).conversation.id;
}

export const methods = {
  getMe: method(z.object({}), async ({ services, botId }) => ({
    ...(await services.telegram.user(botId)),
    can_join_groups: true,
    can_read_all_group_messages: true,
    supports_inline_queries: false,
  })),

  getUpdates: method(
    z.object({
      offset: num.optional(),
      limit: num.min(1).max(100).default(100),
      timeout: num.min(0).max(MAX_POLL_TIMEOUT_S).default(0),
      allowed_updates: Updates.optional(),
    }),
    async (call, p) => {
      const { services, botId, token, signal } = call;
      // Telegram: a negative offset counts back from the last update; Parley confirms nothing then.
      const offset = p.offset !== undefined && p.offset > 0 ? p.offset : undefined;
      return services.updates.poll({ botId, token, offset, limit: p.limit, timeoutS: p.timeout, signal }, (events) =>
        Promise.all(
          events.map(async (e) => {
            const update = await services.telegram.update(botId, e);
            return update && allowedUpdate(update, p.allowed_updates ?? []) ? update : null;
          }),
        ),
      );
    },
  ),

  setWebhook: method(
    z.object({
      url: z.string().max(2048),
      secret_token: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "secret_token: 1-256 of A-Z a-z 0-9 _ -").optional(),
      allowed_updates: Updates.optional(),
      drop_pending_updates: bool.optional(),
    }),
    async ({ services, botId }, p) => {
      if (p.drop_pending_updates) await services.bots.dropPending(botId);
      if (p.url === "") await services.bots.deleteWebhook(botId, botId);
      else await services.bots.setWebhook(botId, botId, { url: p.url, secret: p.secret_token ?? null, format: "telegram" });
      return true;
    },
  ),

  deleteWebhook: method(z.object({ drop_pending_updates: bool.optional() }), async ({ services, botId }, p) => {
    if (p.drop_pending_updates) await services.bots.dropPending(botId);
    await services.bots.deleteWebhook(botId, botId);
    return true;
  }),

  getWebhookInfo: method(z.object({}), async ({ services, botId }) => {
    const info = await services.bots.webhook(botId, botId);
    return {
      url: info.url ?? "",
      has_custom_certificate: false,
      pending_update_count: info.pending,
      ...(info.lastErrorAt ? { last_error_date: Math.floor(info.lastErrorAt / 1000), last_error_message: info.lastError ?? "" } : {}),
    };
  }),

  sendMessage: method(
    z.object({
      chat_id: ChatId,
      text: Text,
      parse_mode: z.string().optional(), // accepted; the text is stored as sent
      reply_to_message_id: num.optional(),
      reply_parameters: jsonText(z.object({ message_id: num })).optional(),
    }),
    async (call, p) => {
      const conv = await conversationOf(call, p.chat_id);
      const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
      const body = { type: "text" as const, text: p.text, ...(replyTo === undefined ? {} : { replyTo }) };
      // Telegram's calls carry no idempotency key: a new entry each, with a time-ordered clientId
      // (cheapest for the idempotency index, src/client/client-ids.ts)
      const { message } = await call.services.messages.send(call.botId, conv, { clientId: newId(), body });
      return call.services.telegram.message(call.botId, message);
    },
  ),

  editMessageText: method(z.object({ chat_id: ChatId, message_id: num.min(1), text: Text }), async (call, p) => {
    const conv = await conversationOf(call, p.chat_id);
    const { message } = await call.services.messages.edit(call.botId, conv, p.message_id, { clientId: newId(), text: p.text });
    const target = (await call.services.messages.history(call.botId, conv, { after: p.message_id - 1, limit: 1 })).items[0]!;
    return call.services.telegram.message(call.botId, target, { text: p.text, ts: message.ts });
  }),

  deleteMessage: method(z.object({ chat_id: ChatId, message_id: num.min(1) }), async (call, p) => {
    await call.services.messages.recall(call.botId, await conversationOf(call, p.chat_id), p.message_id, { clientId: newId() });
    return true;
  }),

  sendChatAction: method(z.object({ chat_id: ChatId, action: z.string().min(1) }), async (call, p) => {
    await call.services.messages.typing(call.botId, await conversationOf(call, p.chat_id));
    return true;
  }),

  getChat: method(z.object({ chat_id: ChatId }), async ({ services, botId }, p) => {
    const chat = await services.telegram.chatRef(p.chat_id);
    if (chat.kind === "user") {
      const user = await services.telegram.user(chat.id);
      return { id: user.id, type: "private", first_name: user.first_name, username: user.username };
    }
    await services.conversations.get(botId, chat.id); // a member, or 404
    return services.telegram.chat(botId, chat.id);
  }),
};

export type MethodName = keyof typeof methods;
export const isMethod = (name: string): name is MethodName => Object.hasOwn(methods, name);
