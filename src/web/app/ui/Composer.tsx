// Writing a message: Enter sends, Shift+Enter starts a new line, Esc cancels a reply or an edit.
// Editing puts the message's text in the box and Enter saves it (what the server refuses, say
// after the edit window, shows above). In a group, `@` suggests members and the text goes with
// the `mentions` it names. Files come from the attach button, a paste or a drop, and go with the
// next send, the text as the first one's caption (unless replying: only text replies). While
// typing, the others are told (at most every few seconds). Sending works offline too: the
// message waits in the outbox.
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import type { Compose } from "../model/compose.ts";
import { currentText } from "../model/entries.ts";
import { mentionsIn } from "../model/mentions.ts";
import { ComposeBar } from "./ComposeBar.tsx";
import { describeError } from "./errors.ts";
import { PaperclipIcon } from "./icons.tsx";
import { MENTION_LIST_ID, MentionList, useMentions } from "./Mentions.tsx";

const TYPING_EVERY_MS = 3000;

export function Composer({ chat, conv, label, compose }: { chat: Chat; conv: string; label: string; compose: Compose }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  /** the draft put aside while a message is edited */
  const putAside = useRef<string | null>(null);
  const [error, setError] = useState("");
  const mentions = useMentions(chat, conv);
  const editing = compose.editing.value;
  const replyTo = compose.replyTo.value;

  // before the next paint: the box never shows the wrong text
  useLayoutEffect(() => {
    const el = input.current!;
    if (editing) {
      putAside.current ??= el.value;
      el.value = currentText(editing);
    } else if (putAside.current !== null) {
      el.value = putAside.current;
      putAside.current = null;
    }
    setError("");
    el.focus();
  }, [conv, editing, replyTo]);

  const cleared = () => {
    input.current!.value = "";
    chat.drafts.delete(conv);
    lastTyping.current = 0;
    mentions.close();
  };

  const send = () => {
    const text = input.current!.value;
    const files = compose.files.value;
    if (editing) return void saveEdit(text);
    if (!text.trim() && files.length === 0) return;
    if (text.trim() && (replyTo || files.length === 0)) {
      const named = mentionsIn(text, mentions.mentionable());
      chat.send(conv, { type: "text", text, ...(replyTo ? { replyTo: replyTo.seq } : {}), ...(named ? { mentions: named } : {}) });
    }
    if (files.length) void chat.attachments.attach(conv, files, replyTo ? undefined : text.trim() || undefined);
    compose.files.value = [];
    compose.replyTo.value = null;
    cleared();
  };

  const saveEdit = async (text: string) => {
    const message = editing!;
    if (!text.trim() || text === currentText(message)) return void (compose.editing.value = null);
    try {
      await chat.client.api.edit(conv, message.seq, text);
      compose.editing.value = null;
    } catch (err) {
      setError(describeError(err));
    }
  };

  const onInput = () => {
    const el = input.current!;
    mentions.update(el);
    if (editing) return;
    chat.drafts.set(conv, el.value);
    if (el.value && Date.now() - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = Date.now();
      chat.client.typing(conv);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const el = input.current!;
    if (mentions.onKeyDown(event, el)) return event.key === "Enter" || event.key === "Tab" ? onInput() : undefined;
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    } else if (event.key === "Escape" && (editing || replyTo)) {
      event.preventDefault(); // handled here: not a step back to the list
      compose.replyTo.value = compose.editing.value = null;
    }
  };

  const onPaste = (event: ClipboardEvent) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    compose.addFiles(files);
  };

  const open = mentions.open;
  return (
    <form class="composer" onSubmit={(event) => (event.preventDefault(), send())}>
      <ComposeBar chat={chat} compose={compose} error={error} />
      {open && <MentionList open={open} onPick={(user) => (mentions.pick(input.current!, user), onInput())} />}
      <div class="compose-row">
        <input ref={picker} type="file" multiple hidden aria-hidden="true" tabIndex={-1} onChange={(e) => {
          const el = e.currentTarget as HTMLInputElement;
          compose.addFiles([...(el.files ?? [])]);
          el.value = "";
          input.current?.focus();
        }} />
        <button type="button" class="quiet attach" aria-label="Attach files" title="Attach files" onClick={() => picker.current?.click()} disabled={!!editing}>
          <PaperclipIcon />
        </button>
        <textarea
          ref={input}
          rows={1}
          aria-label={editing ? "Edit your message" : label}
          placeholder={editing ? "Edit message" : "Message"}
          defaultValue={chat.drafts.get(conv) ?? ""}
          onInput={onInput}
          onKeyDown={onKeyDown}
          onClick={() => mentions.update(input.current!)}
          onPaste={onPaste}
          maxLength={16000}
          aria-autocomplete="list"
          aria-controls={open ? MENTION_LIST_ID : undefined}
          aria-expanded={!!open}
          aria-activedescendant={open ? `${MENTION_LIST_ID}-${open.active}` : undefined}
        />
        <button type="submit">{editing ? "Save" : "Send"}</button>
      </div>
    </form>
  );
}
