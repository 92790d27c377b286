// Parley as the Telegram Bot API shows it to a bot: Telegram's integer ids are stable aliases of
// Parley's ids (allocated on first use), a direct conversation is the private chat whose id is
// the other user's alias (as in Telegram), a group's chat id is minus its alias, and message_id
// is the entry's seq. Objects carry the fields grammY and telegraf read.
import type { BotEvent } from "../../schema/bots.ts";
import type { Message } from "../../schema/messages.ts";
import { invalid } from "../errors.ts";
import type { BotStore } from "../store/bots.ts";
import type { ConversationStore } from "../store/conversations.ts";
import type { MessageLog } from "../store/message-log.ts";
import type { UserStore } from "../store/users.ts";
import type { TgChat, TgMessage, TgUpdate, TgUser } from "./types.ts";

export interface TelegramViewDeps {
  bots: BotStore;
  users: UserStore;
  conversations: ConversationStore;
  messageLog: MessageLog;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Update kinds Telegram leaves out unless a bot names them in allowed_updates. */
const OPT_IN = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** Whether a bot that asked for `allowed` (empty: the default) gets an update of this kind. */
export function allowedUpdate(update: TgUpdate, allowed: readonly string[]): boolean {
  const kind = Object.keys(update).find((k) => k !== "update_id")!;
  return allowed.length > 0 ? allowed.includes(kind) : !OPT_IN.has(kind);
}

export class TelegramView {
  constructor(private readonly deps: TelegramViewDeps) {}

  async user(id: string): Promise<TgUser> {
    const user = await this.deps.users.userById(id);
    const [first, ...rest] = (user?.displayName ?? "deleted").split(" ");
    return {
      id: await this.deps.bots.alias(id),
      is_bot: user?.bot === true,
      first_name: first || (user?.username ?? "deleted"),
      ...(rest.length > 0 ? { last_name: rest.join(" ") } : {}),
      username: user?.username ?? "deleted",
    };
  }

  /** The chat of `conv` as `botId` sees it. */
  async chat(botId: string, conv: string): Promise<TgChat> {
    const roster = await this.deps.conversations.roster(conv);
    if (!roster) throw invalid("chat not found", { chat_id: conv });
    if (roster.kind === "group") return { id: -(await this.deps.bots.alias(conv)), type: "group", title: roster.title ?? "" };
    const other = [...roster.members.keys(), ...roster.former.keys()].find((u) => u !== botId) ?? botId;
    const user = await this.user(other);
    return { id: user.id, type: "private", first_name: user.first_name, ...(user.last_name ? { last_name: user.last_name } : {}), username: user.username };
  }

  /** The Parley id a chat_id stands for: a user (a private chat with the bot) or a group. */
  async chatRef(chatId: number): Promise<{ kind: "user" | "group"; id: string }> {
    const ref = Number.isSafeInteger(chatId) && chatId !== 0 ? await this.deps.bots.refOf(Math.abs(chatId)) : null;
    if (!ref) throw invalid("chat not found", { chat_id: chatId });
    return { kind: chatId > 0 ? "user" : "group", id: ref };
  }

  /** A content entry as a Telegram message (its text as it was sent; `edit` adds the new text). */
  async message(botId: string, entry: Message, edit?: { text: string; ts: number }): Promise<TgMessage> {
    const message: TgMessage = {
      message_id: entry.seq,
      from: await this.user(entry.sender),
      chat: await this.chat(botId, entry.conv),
      date: seconds(entry.ts),
    };
    const body = entry.body;
    if (body.type === "text") {
      message.text = edit?.text ?? entry.edited?.text ?? body.text;
      if (body.replyTo !== undefined) {
        const replied = await this.deps.messageLog.entry(entry.conv, body.replyTo);
        if (replied) message.reply_to_message = await this.message(botId, replied);
      }
    }
    if (edit) message.edit_date = seconds(edit.ts);
    return message;
  }

  /** The event as a Telegram Update; null for what Telegram has no update for (receipts, recalls). */
  async update(botId: string, event: BotEvent): Promise<TgUpdate | null> {
    if (event.type !== "entry") return null;
    const entry = event.entry;
    const body = entry.body;
    const update_id = event.id;
    switch (body.type) {
      case "text":
        return { update_id, message: await this.message(botId, entry) };
      case "edit": {
        const target = await this.deps.messageLog.entry(entry.conv, body.target);
        if (!target || body.text === undefined) return null;
        return { update_id, edited_message: await this.message(botId, target, { text: body.text, ts: entry.ts }) };
      }
      case "members_added":
      case "member_removed": {
        const message = await this.message(botId, entry);
        if (body.type === "members_added") message.new_chat_members = await Promise.all(body.users.map((u) => this.user(u)));
        else message.left_chat_member = await this.user(body.user);
        return { update_id, message };
      }
      case "reaction": {
        const emoji = [{ type: "emoji" as const, emoji: body.emoji }];
        return {
          update_id,
          message_reaction: {
            chat: await this.chat(botId, entry.conv),
            message_id: body.target,
            user: await this.user(entry.sender),
            date: seconds(entry.ts),
            old_reaction: body.on ? [] : emoji,
            new_reaction: body.on ? emoji : [],
          },
        };
      }
      default:
        return null;
    }
  }
}
