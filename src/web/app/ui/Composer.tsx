// Writing a message: Enter sends, Shift+Enter starts a new line. While typing, the others are
// told (at most every few seconds; they show it for a few seconds more). Sending works offline
// too: the message waits in the outbox.
import { useEffect, useRef } from "preact/hooks";
import type { Chat } from "../chat.ts";

const TYPING_EVERY_MS = 3000;

export function Composer({ chat, conv, label }: { chat: Chat; conv: string; label: string }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);
  useEffect(() => input.current?.focus(), [conv]);

  const send = () => {
    const el = input.current!;
    const text = el.value;
    if (!text.trim()) return;
    chat.send(conv, text);
    el.value = "";
    chat.drafts.delete(conv);
    lastTyping.current = 0;
  };

  const onInput = () => {
    const el = input.current!;
    chat.drafts.set(conv, el.value);
    if (el.value && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      chat.client.typing(conv);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <textarea
        ref={input}
        rows={1}
        aria-label={label}
        placeholder="Message"
        defaultValue={chat.drafts.get(conv) ?? ""}
        onInput={onInput}
        onKeyDown={onKeyDown}
        maxLength={16000}
      />
      <button type="submit">Send</button>
    </form>
  );
}
