// One open conversation: its header (title, presence or members, the group's info), the messages,
// who is typing, and the composer (or why there is none: this user left, or the group was
// closed). Files dropped anywhere on it go with the next send. Esc goes back to the list.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { Compose } from "../model/compose.ts";
import { Composer } from "./Composer.tsx";
import { GroupInfo } from "./GroupInfo.tsx";
import { InfoIcon } from "./icons.tsx";
import { MessageList } from "./MessageList.tsx";
import { conversationTitle } from "./names.ts";
import { PresenceDot, presenceText } from "./PresenceDot.tsx";
import { listHref } from "./route.ts";

export function ConversationView({ chat, conv, jumpTo }: { chat: Chat; conv: string; jumpTo?: { seq: number } }) {
  const timeline = useMemo(() => chat.timeline(conv), [chat, conv]);
  const compose = useMemo(() => new Compose(), [conv]);
  const [info, setInfo] = useState(false);
  const item = chat.conversations.get(conv);
  const details = chat.conversations.details(conv);
  const group = item?.kind === "group";
  const title = conversationTitle(chat, conv);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !event.defaultPrevented && !document.querySelector("dialog[open]")) location.hash = listHref;
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, []);

  const onDrop = (event: DragEvent) => {
    if (!event.dataTransfer?.files.length) return;
    event.preventDefault();
    compose.addFiles([...event.dataTransfer.files]);
  };
  const closed = details?.dissolved ? "This group was closed." : details && !chat.conversations.myRole(conv) ? "You are no longer a member of this group." : null;

  return (
    <section class="conversation" aria-labelledby="conversation-title" onDragOver={(e) => e.dataTransfer?.types.includes("Files") && e.preventDefault()} onDrop={onDrop}>
      <header class="conv-header">
        <a class="back" href={listHref} aria-label="Back to conversations">←</a>
        <div>
          <h2 id="conversation-title">{title}</h2>
          <p class="conv-status">
            <Status chat={chat} conv={conv} group={group} />
          </p>
        </div>
        {group && (
          <button type="button" class="quiet info-button" aria-label="Group info" title="Group info" onClick={() => setInfo(true)}>
            <InfoIcon />
          </button>
        )}
      </header>
      <MessageList chat={chat} conv={conv} timeline={timeline} compose={compose} jumpTo={jumpTo} />
      <TypingLine chat={chat} conv={conv} />
      {closed ? <p class="closed-note" role="status">{closed}</p> : <Composer chat={chat} conv={conv} label={`Message ${title}`} compose={compose} />}
      {info && <GroupInfo chat={chat} conv={conv} onClose={() => setInfo(false)} />}
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
