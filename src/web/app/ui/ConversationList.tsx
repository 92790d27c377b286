// The conversation list: pinned ones first, then most recent activity: title, last message (none
// when this user hid it: the server's list does not look further back), time, this user's marks
// (pinned, muted, a mention of them, the unread badge, subdued when muted), a presence dot for
// direct chats, and each one's menu (ConversationMenu). The archived ones are a list of their
// own, behind "Archived (N)".
import type { ConversationSummary } from "parley/client";
import type { Chat } from "../chat.ts";
import { isMuted } from "../model/list-settings.ts";
import { ConversationMenu } from "./ConversationMenu.tsx";
import { now, shortTime } from "./format.ts";
import { MutedIcon, PinIcon } from "./icons.tsx";
import { conversationTitle, preview } from "./names.ts";
import { PresenceDot } from "./PresenceDot.tsx";
import { conversationHref } from "./route.ts";

export function ConversationList({ chat }: { chat: Chat }) {
  const settings = chat.listSettings;
  const archived = settings.showArchived.value;
  const items = settings.shown.value;
  const count = settings.archivedCount.value;
  if (!chat.conversations.loaded.value) return <p class="list-note">Loading…</p>;
  return (
    <>
      {(count > 0 || archived) && (
        <button type="button" class="quiet archived-toggle" aria-pressed={archived} onClick={() => (settings.showArchived.value = !archived)}>
          {`Archived (${count})`}
        </button>
      )}
      {items.length === 0 ? (
        <p class="list-note">{archived ? "No archived conversations." : "No conversations yet."}</p>
      ) : (
        <ul class="conv-list" aria-label={archived ? "Archived conversations" : undefined}>
          {items.map((item) => (
            <ListItem key={item.id} chat={chat} item={item} current={item.id === chat.openConv.value} />
          ))}
        </ul>
      )}
    </>
  );
}

function ListItem({ chat, item, current }: { chat: Chat; item: ConversationSummary; current: boolean }) {
  const title = conversationTitle(chat, item.id);
  const peer = item.kind === "direct" ? chat.conversations.peer(item.id) : undefined;
  const muted = isMuted(item, now.value);
  return (
    <li class={`conv-row${item.pinned ? " pinned" : ""}${muted ? " muted" : ""}`} data-conv={item.id}>
      <a class="conv-item" href={conversationHref(item.id)} aria-current={current ? "page" : undefined} data-conv={item.id}>
        <span class="avatar">
          <span aria-hidden="true">{initial(title)}</span>
          {peer && <PresenceDot chat={chat} user={peer} />}
        </span>
        <span class="conv-text">
          <span class="conv-title">{title}</span>
          <span class="conv-preview">{item.lastMessage || item.lastSeq <= item.clearedSeq ? preview(chat, item.lastMessage, item.kind === "group") : ""}</span>
        </span>
        <span class="conv-meta">
          {item.lastMessage && <time dateTime={new Date(item.lastMessage.ts).toISOString()}>{shortTime(item.lastMessage.ts)}</time>}
          <ListMarks item={item} muted={muted} />
        </span>
      </a>
      <ConversationMenu chat={chat} item={item} title={title} />
    </li>
  );
}

/** The marks, each with words for a screen reader (the link reads them after the title). */
function ListMarks({ item, muted }: { item: ConversationSummary; muted: boolean }) {
  return (
    <span class="marks">
      {item.pinned && <span class="mark pin" title="Pinned"><PinIcon /><span class="sr-only">Pinned</span></span>}
      {muted && <span class="mark muted-mark" title="Muted"><MutedIcon /><span class="sr-only">Muted</span></span>}
      {item.mentions > 0 && <span class="mark mention" title="Mentions you"><span aria-hidden="true">@</span><span class="sr-only">Mentions you</span></span>}
      {item.unread > 0 && (
        <span class={`badge${muted ? " subdued" : ""}`} aria-label={`${item.unread} unread`}>
          {item.unread > 99 ? "99+" : item.unread}
        </span>
      )}
    </span>
  );
}

const initial = (title: string) => [...title.trim()][0]?.toUpperCase() ?? "?";
