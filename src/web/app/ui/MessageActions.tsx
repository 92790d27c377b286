// What can be done with a message, behind its "⋯" button: react (a small picker), reply, hide it
// for this user only, and for its sender edit and recall (a group's admins and owner recall
// anyone's). The server decides: what it refuses (an edit after the window, say) goes to
// `onError`. Esc closes.
import type { Message } from "parley/client";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import type { Compose } from "../model/compose.ts";
import { ConfirmButton } from "./ConfirmButton.tsx";
import { describeError } from "./errors.ts";

const EMOJI = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

interface Props {
  chat: Chat;
  message: Message;
  compose: Compose;
  onError(error: string): void;
}

export function MessageActions({ chat, message, compose, onError }: Props) {
  const [open, setOpen] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => void (open && box.current?.querySelector("button")?.focus()), [open]);

  const { conv, seq } = message;
  const mine = message.sender === chat.me.id;
  const role = chat.conversations.myRole(conv);
  const reacted = (emoji: string) => !!message.reactions?.some((r) => r.emoji === emoji && r.me);
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const act = (action: () => Promise<unknown>) => {
    close();
    onError("");
    action().catch((error) => onError(describeError(error)));
  };

  return (
    <div class="msg-actions" onKeyDown={(e) => e.key === "Escape" && open && (e.preventDefault(), close())}>
      <button ref={toggle} type="button" class="quiet actions-toggle" aria-expanded={open} aria-label="Message actions" onClick={() => (open ? close() : setOpen(true))}>
        ⋯
      </button>
      {open && (
        <div ref={box} class="actions" role="group" aria-label="Message actions">
          {EMOJI.map((emoji) => (
            <button key={emoji} type="button" class="quiet emoji" aria-label={`React ${emoji}`} aria-pressed={reacted(emoji)} onClick={() => act(() => chat.client.api.react(conv, seq, emoji, !reacted(emoji)))}>
              {emoji}
            </button>
          ))}
          <button type="button" class="quiet" onClick={() => (close(), compose.reply(message))}>Reply</button>
          {mine && message.body.type === "text" && (
            <button type="button" class="quiet" onClick={() => (close(), compose.edit(message))}>Edit</button>
          )}
          <button type="button" class="quiet" onClick={() => act(() => chat.listSettings.hideEntry(conv, seq))}>Hide for me</button>
          {(mine || role === "admin" || role === "owner") && (
            <ConfirmButton label="Recall" question="Recall for everyone?" onConfirm={() => act(() => chat.client.api.recall(conv, seq))} />
          )}
        </div>
      )}
    </div>
  );
}
