// Creating a conversation from a dialog: on success it joins the list, opens and the dialog
// closes; on failure the dialog shows why.
import type { CreateConversationRequest } from "parley/client";
import { useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { conversationHref } from "./route.ts";

export function useStartConversation(chat: Chat, onClose: () => void) {
  const [error, setError] = useState("");
  const start = async (request: CreateConversationRequest) => {
    try {
      const conversation = await chat.client.api.createConversation(request);
      chat.added(conversation);
      onClose();
      location.hash = conversationHref(conversation.id);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return { start, error };
}
