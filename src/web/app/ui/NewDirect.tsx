// Start (or reopen: there is one per pair) a direct chat with someone found by username.
import type { Chat } from "../chat.ts";
import { Dialog } from "./Dialog.tsx";
import { useStartConversation } from "./start-conversation.ts";
import { UserSearch } from "./UserSearch.tsx";

export function NewDirect({ chat, onClose }: { chat: Chat; onClose(): void }) {
  const { start, error } = useStartConversation(chat, onClose);
  return (
    <Dialog title="New chat" onClose={onClose}>
      <UserSearch chat={chat} onPick={(user) => start({ kind: "direct", with: user.id })} first />
      {error && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}
