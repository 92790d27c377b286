// Create a group: a title and the people in it (found by username). The creator is its owner.
import type { User } from "parley/client";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { Dialog } from "./Dialog.tsx";
import { useStartConversation } from "./start-conversation.ts";
import { UserSearch } from "./UserSearch.tsx";

export function NewGroup({ chat, onClose }: { chat: Chat; onClose(): void }) {
  const [title, setTitle] = useState("");
  const [members, setMembers] = useState<User[]>([]);
  const { start, error } = useStartConversation(chat, onClose);
  const create = (event: SubmitEvent) => {
    event.preventDefault();
    void start({ kind: "group", title: title.trim(), members: members.map((m) => m.id) });
  };

  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={create} class="new-group">
        <label>
          Group name
          <input value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} required maxLength={200} data-autofocus />
        </label>
        <ul class="chips" aria-label="Members">
          {members.map((m) => (
            <li key={m.id}>
              {m.displayName || m.username}
              <button type="button" class="quiet" aria-label={`Remove ${m.displayName || m.username}`} onClick={() => setMembers(members.filter((x) => x.id !== m.id))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
        <UserSearch chat={chat} exclude={members.map((m) => m.id)} onPick={(user) => setMembers([...members, user])} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={!title.trim()}>Create group</button>
      </form>
    </Dialog>
  );
}
