// The logged-in screen: the conversation list beside the open conversation on a wide screen, one
// of the two on a narrow one. The open conversation is the URL's hash (#/c/<id>), so the
// browser's back button and a reload keep it.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Chat } from "../chat.ts";
import { ConnectionBanner } from "./ConnectionBanner.tsx";
import { ConversationList } from "./ConversationList.tsx";
import { ConversationView } from "./ConversationView.tsx";
import { NewDirect } from "./NewDirect.tsx";
import { NewGroup } from "./NewGroup.tsx";
import { conversationInUrl } from "./route.ts";

type Dialog = "direct" | "group" | null;


export function ChatScreen({ chat }: { chat: Chat }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  useEffect(() => {
    const follow = () => chat.open(conversationInUrl());
    follow();
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, [chat]);

  const open = chat.openConv.value;
  const me = chat.me;
  // Leaving a conversation (Esc, back) puts the keyboard back on it in the list.
  const left = useRef<string | null>(null);
  useEffect(() => {
    if (!open && left.current) document.querySelector<HTMLElement>(`.conv-item[data-conv="${CSS.escape(left.current)}"]`)?.focus();
    left.current = open;
  }, [open]);
  return (
    <div class="chat" data-view={open ? "conversation" : "list"}>
      <ConnectionBanner chat={chat} />
      <aside class="sidebar" aria-label="Conversations">
        <header class="sidebar-header">
          <h1>Parley</h1>
          <span class="me" title={`@${me.username}`}>{me.displayName || me.username}</span>
          <button type="button" class="quiet" onClick={() => void chat.logout()}>Log out</button>
        </header>
        <div class="sidebar-actions">
          <button type="button" onClick={() => setDialog("direct")}>New chat</button>
          <button type="button" onClick={() => setDialog("group")}>New group</button>
        </div>
        <ConversationList chat={chat} />
      </aside>
      <main class="pane">
        {open ? (
          <ConversationView key={open} chat={chat} conv={open} />
        ) : (
          <p class="empty">Choose a conversation, or start a new one.</p>
        )}
      </main>
      {dialog === "direct" && <NewDirect chat={chat} onClose={() => setDialog(null)} />}
      {dialog === "group" && <NewGroup chat={chat} onClose={() => setDialog(null)} />}
    </div>
  );
}
