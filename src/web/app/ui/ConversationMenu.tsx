// One conversation's own settings, behind the "⋯" beside it in the list: pin or unpin, mute (for
// an hour, eight hours, until unmuted) or unmute, archive or unarchive, hide, clear the history
// (asked first). They are this user's only; the server's answer and the other devices' `settings`
// frames update the list. Esc closes and puts the keyboard back on the "⋯"; what the server
// refuses shows below.
import type { ConversationSummary } from "parley/client";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { isMuted, MUTE_FOR } from "../model/list-settings.ts";
import { ConfirmButton } from "./ConfirmButton.tsx";
import { now } from "./format.ts";
import { listHref } from "./route.ts";
import { useAction } from "./use-action.ts";

export function ConversationMenu({ chat, item, title }: { chat: Chat; item: ConversationSummary; title: string }) {
  const [open, setOpen] = useState(false);
  const { error, act } = useAction();
  const toggle = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => void (open && box.current?.querySelector("button")?.focus()), [open]);

  const settings = chat.listSettings;
  const conv = item.id;
  const close = () => {
    setOpen(false);
    toggle.current?.focus();
  };
  const run = (action: () => Promise<unknown>) => {
    close();
    void act(action);
  };
  const hide = () => {
    setOpen(false);
    if (chat.openConv.value === conv) location.hash = listHref;
    void act(() => settings.hide(conv));
  };

  return (
    <div class="conv-menu" onKeyDown={(e) => e.key === "Escape" && open && (e.preventDefault(), e.stopPropagation(), close())}>
      <button ref={toggle} type="button" class="quiet menu-toggle" aria-expanded={open} aria-label={`Options for ${title}`} onClick={() => (open ? close() : setOpen(true))}>
        ⋯
      </button>
      {open && (
        <div ref={box} class="menu" role="group" aria-label={`Options for ${title}`}>
          <button type="button" class="quiet" onClick={() => run(() => settings.pin(conv, !item.pinned))}>{item.pinned ? "Unpin" : "Pin"}</button>
          {isMuted(item, now.value) ? (
            <button type="button" class="quiet" onClick={() => run(() => settings.unmute(conv))}>Unmute</button>
          ) : (
            MUTE_FOR.map(({ label, ms }) => (
              <button key={label} type="button" class="quiet" onClick={() => run(() => settings.mute(conv, ms))}>{label}</button>
            ))
          )}
          <button type="button" class="quiet" onClick={() => run(() => settings.archive(conv, !item.archived))}>{item.archived ? "Unarchive" : "Archive"}</button>
          <button type="button" class="quiet" onClick={hide}>Hide</button>
          {item.lastSeq > 0 && (
            <ConfirmButton label="Clear history" question="Clear the history for you?" yes="Clear" onConfirm={() => run(() => settings.clear(conv))} />
          )}
        </div>
      )}
      {error && <p class="send-error" role="alert">{error}</p>}
    </div>
  );
}
