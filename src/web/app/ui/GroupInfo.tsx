// A group's info: its name (admins rename it), its members with their roles, and what this
// user's role lets it do: admins add members and remove members; the owner also sets roles,
// removes admins, hands the group over and closes it; anyone but the owner leaves. The server
// enforces every rule; what it refuses is shown here. Each change arrives as an entry, which
// updates the list and the members.
import type { Conversation } from "parley/client";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { ConfirmButton } from "./ConfirmButton.tsx";
import { Dialog } from "./Dialog.tsx";
import { useAction } from "./use-action.ts";
import { UserSearch } from "./UserSearch.tsx";

type Role = Conversation["members"][number]["role"];

export function GroupInfo({ chat, conv, onClose }: { chat: Chat; conv: string; onClose(): void }) {
  const { error, act } = useAction();
  const api = chat.client.api;
  const details = chat.conversations.details(conv);
  const role = chat.conversations.myRole(conv);
  const admin = role === "admin" || role === "owner";
  const members = details?.members ?? [];
  const open = !!role && !details?.dissolved;

  return (
    <Dialog title="Group info" onClose={onClose}>
      <div class="group-info">
        {admin && open ? <Rename title={details?.title ?? ""} onRename={(title) => act(() => api.updateConversation(conv, { title }))} /> : <p class="group-title">{details?.title}</p>}
        <h3>{members.length} members</h3>
        <ul class="members" aria-label="Members">
          {members.map((m) => {
            const name = m.userId === chat.me.id ? "You" : chat.users.name(m.userId);
            const mayRemove = open && m.userId !== chat.me.id && (role === "owner" || (role === "admin" && m.role === "member"));
            return (
              <li key={m.userId} data-user={m.userId}>
                <span class="member-name">
                  {name} <span class="hint">@{chat.users.get(m.userId)?.username ?? "…"}</span>
                </span>
                {role === "owner" && open && m.role !== "owner" ? (
                  <select aria-label={`Role of ${name}`} value={m.role} onChange={(e) => act(() => api.updateMember(conv, m.userId, { role: (e.currentTarget as HTMLSelectElement).value as Role }))}>
                    <option value="member">member</option>
                    <option value="admin">admin</option>
                  </select>
                ) : (
                  <span class="role">{m.role}</span>
                )}
                {role === "owner" && open && m.role !== "owner" && (
                  <ConfirmButton label="Make owner" name={`Make ${name} the owner`} question={`Hand the group to ${name}?`} yes="Hand over" onConfirm={() => act(() => api.transfer(conv, m.userId))} />
                )}
                {mayRemove && <ConfirmButton label="Remove" name={`Remove ${name}`} question={`Remove ${name}?`} onConfirm={() => act(() => api.removeMember(conv, m.userId))} />}
              </li>
            );
          })}
        </ul>
        {admin && open && (
          <details class="add-members">
            <summary>Add members</summary>
            <UserSearch chat={chat} exclude={members.map((m) => m.userId)} onPick={(user) => act(() => api.addMembers(conv, [user.id]))} />
          </details>
        )}
        {error && <p class="error" role="alert">{error}</p>}
        {open && (
          <div class="group-actions">
            {role === "owner" ? (
              <>
                <ConfirmButton label="Close the group" question="Close it for everyone? Nobody can write in it again." yes="Close the group" onConfirm={() => act(() => api.dissolve(conv), onClose)} />
                <p class="hint">To leave, make someone else the owner first.</p>
              </>
            ) : (
              <ConfirmButton label="Leave the group" question="Leave this group?" yes="Leave" onConfirm={() => act(() => api.removeMember(conv, chat.me.id), onClose)} />
            )}
          </div>
        )}
      </div>
    </Dialog>
  );
}

function Rename({ title, onRename }: { title: string; onRename(title: string): void }) {
  const [value, setValue] = useState(title);
  return (
    <form class="rename" onSubmit={(e) => (e.preventDefault(), onRename(value.trim()))}>
      <label>
        Group name
        <input value={value} onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)} required maxLength={200} />
      </label>
      <button type="submit" disabled={!value.trim() || value.trim() === title}>Rename</button>
    </form>
  );
}
