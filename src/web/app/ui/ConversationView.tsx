// One open conversation: its header (title, presence or members), the messages, who is typing,
// and the composer. Esc goes back to the list.
import { useEffect, useMemo } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { Composer } from "./Composer.tsx";
import { MessageList } from "./MessageList.tsx";
import { conversationTitle } from "./names.ts";
import { PresenceDot, presenceText } from "./PresenceDot.tsx";
import { listHref } from "./route.ts";

export function ConversationView({ chat, conv }: { chat: Chat; conv: string }) {
  const timeline = useMemo(() => chat.timeline(conv), [chat, conv]);
  const item = chat.conversations.get(conv);
  const title = conversationTitle(chat, conv);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && !document.querySelector("dialog[open]")) location.hash = listHref;
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conv-header">
        <a class="back" href={listHref} aria-label="Back to conversations">←</a>
        <div>
          <h2 id="conversation-title">{title}</h2>
          <p class="conv-status">
            <Status chat={chat} conv={conv} group={item?.kind === "group"} />
          </p>
        </div>
      </header>
      <MessageList chat={chat} conv={conv} timeline={timeline} />
      <TypingLine chat={chat} conv={conv} />
      <Composer chat={chat} conv={conv} label={`Message ${title}`} />
    </section>
  );
}

function Status({ chat, conv, group }: { chat: Chat; conv: string; group: boolean }) {
  const members = chat.conversations.members(conv) ?? [];
  if (group) {
    const online = members.filter((m) => chat.presence.get(m.userId)?.status === "online").length;
    return <>{`${members.length} members${online ? `, ${online} online` : ""}`}</>;
  }
  const peer = chat.conversations.peer(conv);
  if (!peer) return null;
  return (
    <>
      <PresenceDot chat={chat} user={peer} /> {presenceText(chat, peer)}
    </>
  );
}

function TypingLine({ chat, conv }: { chat: Chat; conv: string }) {
  const who = chat.typing.in(conv).map((u) => chat.users.name(u));
  const text = who.length === 0 ? "" : who.length === 1 ? `${who[0]} is typing…` : `${who.join(", ")} are typing…`;
  return (
    <p class="typing" aria-live="polite">
      {text}
    </p>
  );
}
