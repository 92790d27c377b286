// The conversation list, most recent activity first: title, last message, time, unread badge;
// a presence dot for direct chats. ListMarks is where later per-user marks (mention, pinned,
// muted, archived) show.
import type { ConversationSummary } from "parley/client";
import type { Chat } from "../chat.ts";
import { shortTime } from "./format.ts";
import { conversationTitle, preview } from "./names.ts";
import { PresenceDot } from "./PresenceDot.tsx";
import { conversationHref } from "./route.ts";

export function ConversationList({ chat }: { chat: Chat }) {
  const items = chat.conversations.ordered.value;
  if (!chat.conversations.loaded.value) return <p class="list-note">Loading…</p>;
  if (items.length === 0) return <p class="list-note">No conversations yet.</p>;
  return (
    <ul class="conv-list">
      {items.map((item) => (
        <ListItem key={item.id} chat={chat} item={item} current={item.id === chat.openConv.value} />
      ))}
    </ul>
  );
}

function ListItem({ chat, item, current }: { chat: Chat; item: ConversationSummary; current: boolean }) {
  const title = conversationTitle(chat, item.id);
  const peer = item.kind === "direct" ? chat.conversations.peer(item.id) : undefined;
  return (
    <li>
      <a class="conv-item" href={conversationHref(item.id)} aria-current={current ? "page" : undefined} data-conv={item.id}>
        <span class="avatar">
          <span aria-hidden="true">{initial(title)}</span>
          {peer && <PresenceDot chat={chat} user={peer} />}
        </span>
        <span class="conv-text">
          <span class="conv-title">{title}</span>
          <span class="conv-preview">{preview(chat, item.lastMessage, item.kind === "group")}</span>
        </span>
        <span class="conv-meta">
          {item.lastMessage && <time dateTime={new Date(item.lastMessage.ts).toISOString()}>{shortTime(item.lastMessage.ts)}</time>}
          <ListMarks item={item} />
        </span>
      </a>
    </li>
  );
}

function ListMarks({ item }: { item: ConversationSummary }) {
  if (item.unread === 0) return null;
  return (
    <span class="badge" aria-label={`${item.unread} unread`}>
      {item.unread > 99 ? "99+" : item.unread}
    </span>
  );
}

const initial = (title: string) => [...title.trim()][0]?.toUpperCase() ?? "?";
