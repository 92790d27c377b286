// How conversations and senders are named on screen (always rendered as text, never as HTML).
import type { Message } from "parley/client";
import type { Chat } from "../chat.ts";

export function conversationTitle(chat: Chat, conv: string): string {
  const item = chat.conversations.get(conv);
  if (item?.kind === "group") return item.title || "Group";
  const peer = chat.conversations.peer(conv);
  return peer ? chat.users.name(peer) : "Direct chat";
}

/** "You: hi", "Alice: hi" in groups, "hi" from the other one of a direct chat. */
export function preview(chat: Chat, message: Message | null, group: boolean): string {
  if (!message) return "No messages yet";
  const text = message.body.type === "text" ? message.body.text : "Message";
  if (message.sender === chat.me.id) return `You: ${text}`;
  return group ? `${chat.users.name(message.sender)}: ${text}` : text;
}
