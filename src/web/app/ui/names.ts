// How conversations, people and entries are named on screen (always rendered as text).
import type { Message } from "parley/client";
import type { Chat } from "../chat.ts";
import { contentText, describeChange } from "../model/entries.ts";

export function conversationTitle(chat: Chat, conv: string): string {
  // a hidden one is out of the list, not out of view
  const item = chat.conversations.get(conv) ?? chat.conversations.details(conv);
  if (item?.kind === "group") return item.title || "Group";
  const peer = chat.conversations.peer(conv);
  return peer ? chat.users.name(peer) : "Direct chat";
}

/** "You: hi", "Alice: hi" in groups, "hi" from the other one of a direct chat; changes in words. */
export function preview(chat: Chat, entry: Message | null, group: boolean): string {
  if (!entry) return "No messages yet";
  const mine = entry.sender === chat.me.id;
  const actor = mine ? "You" : chat.users.name(entry.sender);
  const body = entry.body;
  if (body.type !== "text" && body.type !== "file" && body.type !== "image") return describeChange(entry, actor, (user) => (user === chat.me.id ? "you" : chat.users.name(user)));
  const text = entry.edited?.text ?? contentText(body);
  if (mine) return `You: ${text}`;
  return group ? `${actor}: ${text}` : text;
}
