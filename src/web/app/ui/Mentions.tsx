// Mention suggestions in a group's composer: typing `@` and the start of a name lists the members
// it could be (and "all" for admins and the owner). Arrow keys move, Enter or Tab picks, Esc
// closes; a pick writes `@username `. The list is the textarea's (aria-controls,
// aria-activedescendant), so focus never leaves the text.
import type { User } from "parley/client";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { ALL, mentionAt, suggestions } from "../model/mentions.ts";

interface Open {
  /** where the `@` is */
  start: number;
  options: User[];
  active: number;
}

export const MENTION_LIST_ID = "mention-list";

export function useMentions(chat: Chat, conv: string) {
  const [open, setOpen] = useState<Open | null>(null);

  /** Who may be mentioned here: the other members whose names are known, and everyone for admins. */
  const mentionable = (): User[] => {
    if (chat.conversations.get(conv)?.kind !== "group") return [];
    const others = (chat.conversations.members(conv) ?? []).filter((m) => m.userId !== chat.me.id);
    const users = others.map((m) => chat.users.get(m.userId)).filter((u) => u !== undefined);
    const role = chat.conversations.myRole(conv);
    return role === "admin" || role === "owner" ? [...users, ALL] : users;
  };

  /** The text or caret moved: what to suggest now. */
  const update = (el: HTMLTextAreaElement) => {
    const at = mentionAt(el.value, el.selectionStart);
    const options = at ? suggestions(mentionable(), at.query) : [];
    setOpen(at && options.length ? { start: at.start, options, active: 0 } : null);
  };

  const pick = (el: HTMLTextAreaElement, user: User) => {
    if (!open) return;
    el.setRangeText(`@${user.username} `, open.start, el.selectionStart, "end");
    setOpen(null);
    el.focus();
  };

  /** Handles the list's keys while it is open; true when the key was its. */
  const onKeyDown = (event: KeyboardEvent, el: HTMLTextAreaElement): boolean => {
    if (!open) return false;
    const move = (by: number) => setOpen({ ...open, active: (open.active + by + open.options.length) % open.options.length });
    if (event.key === "ArrowDown") move(1);
    else if (event.key === "ArrowUp") move(-1);
    else if (event.key === "Enter" || event.key === "Tab") pick(el, open.options[open.active]!);
    else if (event.key === "Escape") setOpen(null);
    else return false;
    event.preventDefault();
    return true;
  };

  return { open, mentionable, update, pick, onKeyDown, close: () => setOpen(null) };
}

export function MentionList({ open, onPick }: { open: Open; onPick(user: User): void }) {
  return (
    <ul id={MENTION_LIST_ID} class="mention-list" role="listbox" aria-label="Mention someone">
      {open.options.map((user, i) => (
        // mousedown, not click: the text keeps the focus
        <li key={user.id} id={`${MENTION_LIST_ID}-${i}`} role="option" aria-selected={i === open.active} onMouseDown={(e) => (e.preventDefault(), onPick(user))}>
          {user.displayName} <span class="hint">@{user.username}</span>
        </li>
      ))}
    </ul>
  );
}
