// Asking someone found by username to be friends, with an optional note; or blocking them.
import type { User } from "parley/client";
import { useEffect, useRef, useState } from "preact/hooks";
import { ConfirmButton } from "./ConfirmButton.tsx";

interface Props {
  user: User;
  onSend(note: string): void;
  onBlock(): void;
  onCancel(): void;
}

export function FriendRequestForm({ user, onSend, onBlock, onCancel }: Props) {
  const [note, setNote] = useState("");
  const noteBox = useRef<HTMLTextAreaElement>(null);
  useEffect(() => noteBox.current?.focus(), []);
  const name = user.displayName || user.username;
  return (
    <form class="friend-request" onSubmit={(e) => (e.preventDefault(), onSend(note.trim()))}>
      <p>
        <strong>{name}</strong> <span class="hint">@{user.username}</span>
      </p>
      <label>
        Note <span class="hint">(optional)</span>
        <textarea rows={2} maxLength={500} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} ref={noteBox} />
      </label>
      <div class="form-actions">
        <button type="submit">Send friend request</button>
        <ConfirmButton label="Block" question={`Block ${name}?`} onConfirm={onBlock} />
        <button type="button" class="quiet" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
