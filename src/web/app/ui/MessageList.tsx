// The messages of one conversation (and its changes, as lines of their own), oldest at the top. It opens at the bottom, stays there as
// messages arrive (unless the reader scrolled up), and reads older pages as the reader nears the
// top, keeping what is on screen in place. A screen reader hears new messages (role="log").
import { useLayoutEffect, useRef } from "preact/hooks";
import type { Chat } from "../chat.ts";
import type { Timeline } from "../model/timeline.ts";
import { isContent } from "../model/entries.ts";
import { ChangeLine } from "./bodies.tsx";
import { MessageItem, PendingItem } from "./MessageItem.tsx";

/** Within this many pixels of an edge counts as being there. */
const NEAR = 120;

export function MessageList({ chat, conv, timeline }: { chat: Chat; conv: string; timeline: Timeline }) {
  const box = useRef<HTMLDivElement>(null);
  const last = useRef({ first: undefined as number | undefined, height: 0, atBottom: true });
  const messages = timeline.messages.value;
  const shown = new Set(messages.map((m) => m.clientId));
  const bySeq = new Map(messages.map((m) => [m.seq, m]));
  const pending = chat.outgoing.of(conv).filter((o) => !shown.has(o.clientId));
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
  }, [messages.length, pending.length, first, timeline]);

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
              group={group}
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
