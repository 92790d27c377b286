// Start (or reopen: there is one per pair) a direct chat with someone found by username.
import type { User } from "parley/client";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { Dialog } from "./Dialog.tsx";
import { conversationHref } from "./route.ts";
import { UserSearch } from "./UserSearch.tsx";

export function NewDirect({ chat, onClose }: { chat: Chat; onClose(): void }) {
  const [error, setError] = useState("");
  const start = async (user: User) => {
    try {
      const conversation = await chat.client.api.createConversation({ kind: "direct", with: user.id });
      chat.added(conversation);
      onClose();
      location.hash = conversationHref(conversation.id);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title="New chat" onClose={onClose}>
      <UserSearch chat={chat} onPick={start} first />
      {error && <p class="error" role="alert">{error}</p>}
    </Dialog>
  );
}
