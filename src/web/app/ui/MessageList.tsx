// The messages of one conversation (and its changes, as lines of their own), oldest at the top.
// It opens at the bottom, stays there as messages arrive (unless the reader scrolled up), and
// reads older pages as the reader nears the top, keeping what is on screen in place. Asked to
// show one message (a search hit), it reads back to it and brings it into view, marked. A screen
// reader hears new messages (role="log").
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import type { Compose } from "../model/compose.ts";
import type { Timeline } from "../model/timeline.ts";
import { isContent } from "../model/entries.ts";
import { ChangeLine } from "./bodies.tsx";
import { MessageItem, PendingItem, UploadItem } from "./MessageItem.tsx";
import { conversationHref } from "./route.ts";

/** Within this many pixels of an edge counts as being there. */
const NEAR = 120;

interface Props {
  chat: Chat;
  conv: string;
  timeline: Timeline;
  compose: Compose;
  /** a message to show (a new object for each ask) */
  jumpTo?: { seq: number };
}

/** How long a message shown on request stays marked. */
const FOUND_MS = 3000;

export function MessageList({ chat, conv, timeline, compose, jumpTo }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [found, setFound] = useState<number | null>(null);
  const last = useRef({ first: undefined as number | undefined, height: 0, atBottom: true });
  const messages = timeline.messages.value;
  const shown = new Set(messages.map((m) => m.clientId));
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  const pending = chat.outgoing.of(conv).filter((o) => !shown.has(o.clientId));
  const uploads = chat.attachments.of(conv);
  const group = chat.conversations.get(conv)?.kind === "group";
  const first = messages[0]?.seq;

  useLayoutEffect(() => {
    const el = box.current!;
    const before = last.current;
    if (before.first !== undefined && first !== undefined && first < before.first) {
      el.scrollTop += el.scrollHeight - before.height; // older ones above: keep the view still
    } else if (before.atBottom) {
      el.scrollTop = el.scrollHeight;
    }
    last.current = { first, height: el.scrollHeight, atBottom: atBottom(el) };
    // not enough to scroll yet: read further back right away
    if (el.scrollHeight <= el.clientHeight + NEAR) void timeline.older().catch(() => {});
  }, [messages.length, pending.length, uploads.length, first, timeline]);

  useEffect(() => {
    if (!jumpTo) return;
    // the URL no longer asks for it: a reload opens at the bottom, the same hit can be picked again
    history.replaceState(null, "", conversationHref(conv));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      const el = box.current?.querySelector<HTMLElement>(`li[data-seq="${jumpTo.seq}"]`);
      if (!el) return;
      el.scrollIntoView({ block: "center" });
      el.focus({ preventScroll: true });
      setFound(jumpTo.seq);
      timer = setTimeout(() => setFound(null), FOUND_MS);
    };
    // once what was read back is on screen
    void timeline.reach(jumpTo.seq).then((held) => held && requestAnimationFrame(show), () => {});
    return () => clearTimeout(timer);
  }, [jumpTo, timeline, conv]);

  const onScroll = () => {
    const el = box.current!;
    last.current = { first, height: el.scrollHeight, atBottom: atBottom(el) };
    if (el.scrollTop < NEAR) void timeline.older().catch(() => {});
  };

  return (
    <div class="messages" ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-label="Messages">
      <p class="history-edge">{edge(timeline)}</p>
      <ol>
        {messages.map((m, i) =>
          isContent(m) ? (
            <MessageItem
              key={m.seq}
              chat={chat}
              message={m}
              compose={compose}
              group={group}
              found={m.seq === found}
              sameSender={messages[i - 1]?.sender === m.sender && isContent(messages[i - 1]!)}
              quoted={m.body.type === "text" && m.body.replyTo !== undefined ? bySeq.get(m.body.replyTo) : undefined}
            />
          ) : (
            <ChangeLine key={m.seq} chat={chat} entry={m} />
          ),
        )}
        {pending.map((o) => (
          <PendingItem key={o.clientId} chat={chat} entry={o} />
        ))}
        {uploads.map((a) => (
          <UploadItem key={a.key} chat={chat} attachment={a} />
        ))}
      </ol>
    </div>
  );
}

function edge(timeline: Timeline): string {
  if (timeline.loading.value) return "Loading older messages…";
  if (timeline.failed.value) return `Messages could not be read: ${timeline.failed.value}`;
  return timeline.hasOlder.value ? "" : "This is the start of the conversation.";
}

const atBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < NEAR;
